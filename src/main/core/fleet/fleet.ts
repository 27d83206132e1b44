import type { ChatArgs, ChatResult, CompletionArgs, EmbedArgs, EmbedResult, EngineStatus, InferenceState, LlamaHardwareView, LoadedModel } from '../../../shared/dto';
import { AppError } from '../../../shared/errors';
import type { EngineLauncher } from '../engine/engineProcess';
import { EngineService, type EngineServiceOptions, type GenerationCaller, type LoadSpec } from '../engine/engineService';
import type { EngineStatusResult } from '../engine/protocol';
import type { EventBus } from '../events/eventBus';
import type { FitHardware } from '../hardware/fitBudget';
import type { Logger } from '../logging/logger';
import { planAdmission, type MemoryBytes } from './admission';
import { AdmissionQueue, type AdmissionTicket } from './admissionQueue';
import type { RankArgs, RankResult } from '../engine/ranking';
import { threadShares } from './threadShare';
import { admissionView, describeMember, isBusy, memoryAccount, memoryOf, type Member } from './fleetMember';

export interface FleetOptions {
  launchEngine: EngineLauncher;
  events: EventBus;
  logger: Logger;
  /** Physical cores: shared among the engines generating at once, so they never oversubscribe them. */
  cores: number;
  /** Memory now as the fit estimator sees it, with every resident model counted as used. */
  memory(): Promise<FitHardware>;
  /** Most models resident at once; undefined = as many as memory allows. */
  maxModels?: number | undefined;
  /** How long an on-demand request waits for busy models to make room before BUSY, in ms. */
  admissionWaitMs?: number;
  /** Queue and watchdog limits of each engine (tests shorten them). */
  engine?: Pick<EngineServiceOptions, 'maxQueue' | 'queueTimeoutMs' | 'watchdog'>;
}

/** How a model becomes resident. */
export interface ResidencyPolicy {
  /** Loaded by the user in the app: pinned (stays until unloaded), and may replace idle models, pinned ones included. */
  pin: boolean;
  /** Unpinned models: unloaded after this long without use, in ms; 0 = never. */
  idleTtlMs?: number;
  /** Also give a resident unpinned model this `idleTtlMs` (Ollama's `keep_alive`); default it keeps the one it was loaded with. */
  setIdleTtl?: boolean;
  /** On-demand requests wait (in a fair queue, told their place) for busy models to make room. */
  wait?: { signal: AbortSignal; emit(chunk: { type: 'queued'; position: number }): void };
}

/** A request's hold on a resident model: while held it is never evicted. */
export interface FleetLease {
  model: LoadedModel;
  release(): void;
}

/** Retry hint of a BUSY admission, in ms. */
export const ADMISSION_RETRY_MS = 5_000;
export const DEFAULT_ADMISSION_WAIT_MS = 60_000;

/**
 * The fleet: the one place that decides which models are resident. Each local model runs in its
 * own engine process ({@link EngineService}), so a crash takes down one model, not all: its callers
 * get ENGINE_CRASHED and the others keep streaming.
 *
 * Rules (README "Several models at once"; tested in fleet.test.ts and admission.test.ts):
 * - admission by the fit estimate: a model is loaded when its predicted memory fits next to the
 *   resident ones; else the least recently used idle models that may be evicted go first;
 * - pinned models (loaded by the user) are never evicted by on-demand loads; a load the user asks
 *   for may replace idle models, pinned ones included (that is switching models on a small machine);
 * - busy models (generating, queued, held by a request, loading) are never evicted: an on-demand
 *   request waits for them in a fair queue, then gets BUSY with the reason; a user's load gets it at once;
 * - unpinned models unload after their idle TTL; a cap (`maxModels`) bounds the count;
 * - loads and evictions are serialised; the cores are shared among the engines generating at once.
 */
export class Fleet {
  private readonly members = new Map<string, Member>();
  /** An engine process without a model, kept warm for the next load (and asked for the hardware view). */
  private spare: EngineService | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private loadingNow: { modelId: string; progress: number; engine: EngineService } | null = null;
  private lastCrash: EngineStatus | undefined;
  private readonly waiting: AdmissionQueue;
  private disposed = false;

  constructor(private readonly options: FleetOptions) {
    this.waiting = new AdmissionQueue();
  }

  // ── What is resident ────────────────────────────────────────────────────────────────────────

  getState(): InferenceState {
    const members = this.ordered();
    const primary = this.primaryMember();
    const states = members.map((m) => m.engine.getState());
    return {
      engine: primary?.engine.getState().engine ?? this.loadingNow?.engine.getState().engine ?? this.lastCrash ?? this.spare?.getState().engine ?? { state: 'idle' },
      loaded: primary?.engine.loadedModel ?? null,
      models: members.map((m) => describeMember(m)),
      loading: this.loadingNow ? { modelId: this.loadingNow.modelId, progress: this.loadingNow.progress } : null,
      activeRequests: states.flatMap((s) => s.activeRequests),
      queuedRequests: states.reduce((sum, s) => sum + s.queuedRequests, 0),
      maxModels: this.options.maxModels ?? null,
    };
  }

  /** The resident model of that id, if any. */
  resident(modelId: string): LoadedModel | undefined {
    return this.members.get(modelId)?.engine.loadedModel ?? undefined;
  }

  /**
   * The primary model, which requests without a model get and the app's model bar shows: the most
   * recently loaded or used of the models the user loaded, else of all. API clients using other
   * models never change what the user's chat talks to.
   */
  get primary(): LoadedModel | null {
    return this.primaryMember()?.engine.loadedModel ?? null;
  }

  private primaryMember(): Member | undefined {
    const members = this.ordered();
    return members.find((m) => m.pinned) ?? members[0];
  }

  /**
   * Memory the resident models hold (counted against the machine and the memory limit) and what
   * the idle ones would give back to a load the user asks for (which may replace them), in bytes.
   */
  memoryAccount(): { held: MemoryBytes; reclaimable: MemoryBytes } {
    return memoryAccount(this.members.values());
  }

  // ── Becoming resident ───────────────────────────────────────────────────────────────────────

  /**
   * Loads `modelId` with `plan`'s settings (reloading it when resident and idle), making room by the
   * rules above. `plan` runs when this load's turn comes (loads are serialised in call order).
   */
  async load(modelId: string, plan: () => Promise<LoadSpec>, policy: ResidencyPolicy): Promise<LoadedModel> {
    const member = await this.admit(modelId, plan, policy, { reload: true, hold: false });
    return member.engine.loadedModel!;
  }

  /** Holds `modelId` for one request, loading it first (unpinned) when it is not resident. */
  async acquire(modelId: string, plan: () => Promise<LoadSpec>, policy: ResidencyPolicy): Promise<FleetLease> {
    const resident = this.members.get(modelId);
    if (resident?.engine.loadedModel) this.retune(resident, policy);
    const member = resident?.engine.loadedModel ? this.hold(resident) : await this.admit(modelId, plan, policy, { reload: false, hold: true });
    let released = false;
    return {
      model: member.engine.loadedModel!,
      release: () => {
        if (released) return;
        released = true;
        member.holds--;
        this.changed();
      },
    };
  }

  /** Unloads one model (its running replies stop with reason `abort`), or every one. */
  async unload(modelId?: string): Promise<{ unloaded: boolean }> {
    return this.serialised(async () => {
      const ids = modelId === undefined ? [...this.members.keys()] : this.members.has(modelId) ? [modelId] : [];
      for (const id of ids) await this.evict(id, 'unloaded');
      return { unloaded: ids.length > 0 };
    });
  }

  private async admit(modelId: string, plan: () => Promise<LoadSpec>, policy: ResidencyPolicy, how: { reload: boolean; hold: boolean }): Promise<Member> {
    const deadline = Date.now() + (this.options.admissionWaitMs ?? DEFAULT_ADMISSION_WAIT_MS);
    let ticket: AdmissionTicket | undefined;
    let reason = '';
    try {
      for (;;) {
        if (!ticket || this.waiting.isHead(ticket)) {
          const outcome = await this.serialised(() => this.tryAdmit(modelId, plan, policy, how));
          if ('member' in outcome) return outcome.member;
          reason = outcome.reason;
          // Only on-demand requests get here: they wait for busy models to go idle, first come first served.
          ticket ??= this.waiting.enter(policy.wait!);
        }
        await this.waiting.nextChange(ticket, deadline, () => new AppError('BUSY', `Hearth cannot load "${modelId}" now: ${reason}. Try again in about ${ADMISSION_RETRY_MS / 1000} s.`, { retryAfterMs: ADMISSION_RETRY_MS }));
      }
    } finally {
      if (ticket) this.waiting.leave(ticket);
    }
  }

  private async tryAdmit(modelId: string, plan: () => Promise<LoadSpec>, policy: ResidencyPolicy, how: { reload: boolean; hold: boolean }): Promise<{ member: Member } | { reason: string }> {
    if (this.disposed) throw new AppError('ENGINE_ERROR', 'Hearth is shutting down.');
    const existing = this.members.get(modelId);
    if (existing && how.reload && isBusy(existing)) {
      // A reload would cut someone's reply short.
      const { running, queued } = existing.engine.activity;
      const busy = running + queued;
      throw new AppError('BUSY', `"${modelId}" has ${busy || 'a request'} ${busy === 1 ? 'reply' : 'replies'} running or waiting. Stop them or wait for them to finish, then load it again.`, { retryAfterMs: ADMISSION_RETRY_MS });
    }
    if (existing && !how.reload) {
      // Resident already: another request loaded it meanwhile.
      if (policy.pin) existing.pinned = true;
      this.retune(existing, policy);
      return { member: how.hold ? this.hold(existing) : this.touch(existing) };
    }
    const spec = await plan();
    const residents = [...this.members.values()].filter((m) => m !== existing).map((m) => admissionView(m));
    const hardware = await this.options.memory();
    // Reloading frees what the model holds now.
    const freed = existing ? memoryOf(existing.engine.loadedModel) : { ramBytes: 0, vramBytes: 0 };
    const decision = planAdmission({
      need: spec.predicted ?? { ramBytes: 0, vramBytes: 0 },
      hardware: { ...hardware, ramFreeBytes: hardware.ramFreeBytes + freed.ramBytes, vramFreeBytes: hardware.vramFreeBytes + freed.vramBytes },
      residents,
      mayEvictPinned: policy.pin,
      maxModels: this.options.maxModels ?? Number.POSITIVE_INFINITY,
      force: spec.force === true,
    });
    if (decision.kind === 'refuse') {
      const code = policy.pin ? 'WONT_FIT' : 'BUSY';
      throw new AppError(code, `Hearth cannot load "${modelId}" next to the loaded models: ${decision.reason}.${policy.pin ? ' Unload a model or choose a smaller one.' : ''}`, policy.pin ? {} : { retryAfterMs: ADMISSION_RETRY_MS });
    }
    if (decision.kind === 'wait') {
      if (!policy.wait) throw new AppError('BUSY', `Hearth cannot load "${modelId}" now: ${decision.reason}. Try again when they are done.`, { retryAfterMs: ADMISSION_RETRY_MS });
      return { reason: decision.reason };
    }
    for (const id of decision.evict) await this.evict(id, `to make room for ${modelId}`);
    const member = existing ?? this.newMember(modelId, policy);
    this.loadingNow = { modelId, progress: 0, engine: member.engine };
    try {
      await member.engine.load(spec);
    } catch (error) {
      this.members.delete(modelId);
      this.loadingNow = null;
      this.keepAsSpare(member.engine);
      this.changed();
      throw error;
    }
    if (policy.pin) member.pinned = true;
    this.members.set(modelId, member);
    this.loadingNow = null;
    if (decision.evict.length) this.options.logger.info('models evicted to make room', { modelId, evicted: decision.evict });
    if (how.hold) member.holds++;
    this.touch(member);
    this.changed();
    return { member };
  }

  /** A request's own idle TTL for a resident model (`setIdleTtl`); the timer re-arms with it once the model is idle again. */
  private retune(member: Member, policy: ResidencyPolicy): void {
    if (policy.setIdleTtl && !member.pinned) member.idleTtlMs = policy.idleTtlMs ?? 0;
  }

  private newMember(modelId: string, policy: ResidencyPolicy): Member {
    const engine = this.spare ?? this.newEngine();
    this.spare = undefined;
    return { modelId, engine, pinned: policy.pin, lastUsedAt: Date.now(), holds: 0, idleTtlMs: policy.pin ? 0 : (policy.idleTtlMs ?? 0), threads: this.options.cores };
  }

  private newEngine(): EngineService {
    return new EngineService({
      launchEngine: this.options.launchEngine,
      logger: this.options.logger,
      ...this.options.engine,
      onChange: () => this.changed(),
      onLoadProgress: (modelId, progress) => {
        if (this.loadingNow?.modelId === modelId) this.loadingNow.progress = progress;
        this.options.events.emit('inference.loadProgressed', { modelId, progress });
      },
    });
  }

  /** Takes a model out of the fleet: stops its replies, frees its memory, keeps one engine process warm. */
  private async evict(modelId: string, why: string): Promise<void> {
    const member = this.members.get(modelId);
    if (!member) return;
    this.members.delete(modelId);
    clearTimeout(member.idleTimer);
    this.options.logger.info('model unloaded', { modelId, why });
    try {
      await member.engine.unload();
      this.keepAsSpare(member.engine);
    } catch (error) {
      this.options.logger.warn('unload failed; stopping its engine', { modelId, error: String(error) });
      await member.engine.dispose('The model was unloaded.');
    }
    this.changed();
  }

  private keepAsSpare(engine: EngineService): void {
    if (this.spare || this.disposed) {
      void engine.dispose('The engine is no longer needed.');
      return;
    }
    this.spare = engine;
  }

  // ── Requests ───────────────────────────────────────────────────────────────────────────────

  /** A reply from `args.modelId` (default the primary model). Chunks go to `caller` only. */
  generate(args: ChatArgs | CompletionArgs, caller: GenerationCaller): Promise<ChatResult> {
    const member = this.memberFor(args.modelId);
    return member.engine.generate(args, caller);
  }

  /** Embedding vectors from `args.modelId` (default the primary model). */
  embed(args: EmbedArgs, signal?: AbortSignal): Promise<EmbedResult> {
    return this.memberFor(args.modelId).engine.embed(args, signal);
  }

  /** Relevance scores from `args.modelId` (default the primary model), a reranking model. */
  rank(args: RankArgs, signal?: AbortSignal): Promise<RankResult> {
    return this.memberFor(args.modelId).engine.rank(args, signal);
  }

  /** Stops a running or queued reply on whichever model has it. */
  async stop(requestId: string): Promise<boolean> {
    for (const member of this.members.values()) if (await member.engine.stop(requestId)) return true;
    return false;
  }

  /** What llama.cpp sees of this machine, from any engine process (starting the spare one if none runs). */
  hardwareView(): Promise<LlamaHardwareView> {
    const engine = this.primaryMember()?.engine ?? this.spare ?? (this.spare = this.newEngine());
    return engine.hardwareView();
  }

  /** Diagnostics and tests: an engine process as it sees itself (see {@link engineOf}). */
  engineStatus(modelId?: string): Promise<EngineStatusResult> {
    return this.engineOf(modelId).engineStatus();
  }

  /** Tests and diagnostics: the engine running `modelId`; without one the primary's, else the spare one. */
  engineOf(modelId?: string): EngineService {
    if (modelId !== undefined) return this.memberFor(modelId).engine;
    return this.primaryMember()?.engine ?? this.spare ?? (this.spare = this.newEngine());
  }

  async dispose(reason = 'Hearth is shutting down.'): Promise<void> {
    this.disposed = true;
    this.waiting.rejectAll(new AppError('ENGINE_ERROR', reason));
    const engines = [...this.members.values()].map((m) => m.engine);
    for (const member of this.members.values()) clearTimeout(member.idleTimer);
    this.members.clear();
    if (this.spare) engines.push(this.spare);
    if (this.loadingNow) engines.push(this.loadingNow.engine);
    this.spare = undefined;
    await Promise.all(engines.map((engine) => engine.dispose(reason)));
  }

  // ── Bookkeeping ─────────────────────────────────────────────────────────────────────────────

  private memberFor(modelId: string | undefined): Member {
    const member = modelId === undefined ? this.primaryMember() : this.members.get(modelId);
    if (member?.engine.loadedModel) return this.touch(member);
    const loading = this.loadingNow && (modelId === undefined || this.loadingNow.modelId === modelId) ? this.loadingNow.modelId : undefined;
    if (loading) throw new AppError('MODEL_NOT_LOADED', `"${loading}" is still loading; send the request when it is ready.`);
    throw new AppError('MODEL_NOT_LOADED', modelId === undefined ? 'No model is loaded. Load a model first.' : `"${modelId}" is not loaded. Load it first.`);
  }

  private touch(member: Member): Member {
    member.lastUsedAt = Math.max(Date.now(), ...[...this.members.values()].map((m) => m.lastUsedAt + (m === member ? 0 : 1)));
    return member;
  }

  private hold(member: Member): Member {
    member.holds++;
    this.touch(member);
    this.changed();
    return member;
  }



  /** Most recently used first. */
  private ordered(): Member[] {
    return [...this.members.values()].filter((m) => m.engine.loadedModel).sort((a, b) => b.lastUsedAt - a.lastUsedAt);
  }


  /** After every change of any engine: drop crashed models, share the cores, arm idle timers, wake waiters, publish. */
  private changed(): void {
    for (const member of [...this.members.values()]) {
      // A reload under way (or one that just failed, handled by its caller) is not a crash.
      if (member.engine.loadedModel || member.engine.activity.loading || this.loadingNow?.engine === member.engine) continue;
      // The engine lost its model without us unloading it: it crashed or hung.
      this.members.delete(member.modelId);
      clearTimeout(member.idleTimer);
      this.lastCrash = member.engine.getState().engine;
      this.options.logger.warn('a model left the fleet: its engine stopped', { modelId: member.modelId, error: this.lastCrash.lastError });
      void member.engine.dispose('The engine stopped.');
    }
    this.shareThreads();
    for (const member of this.members.values()) this.armIdleTimer(member);
    this.waiting.wake();
    this.options.events.emit('inference.stateChanged', this.getState());
  }

  private shareThreads(): void {
    const members = [...this.members.values()];
    const generating = members.map((m) => m.engine.activity.running + m.engine.activity.queued > 0);
    const shares = threadShares(this.options.cores, generating);
    members.forEach((member, i) => {
      const share = shares[i]!;
      if (!generating[i] || share === member.threads) return;
      member.threads = share;
      member.engine.limitThreads(share).catch((error: unknown) => this.options.logger.warn('could not share the threads', { modelId: member.modelId, error: String(error) }));
    });
  }

  private armIdleTimer(member: Member): void {
    const idle = !member.pinned && member.idleTtlMs > 0 && !isBusy(member);
    if (!idle) {
      clearTimeout(member.idleTimer);
      member.idleTimer = undefined;
      member.idleDeadline = undefined;
      return;
    }
    if (member.idleTimer) return;
    member.idleDeadline = Date.now() + member.idleTtlMs;
    member.idleTimer = setTimeout(() => {
      member.idleTimer = undefined;
      member.idleDeadline = undefined;
      if (this.members.get(member.modelId) !== member || isBusy(member) || member.pinned) return;
      void this.serialised(() => (isBusy(member) ? Promise.resolve() : this.evict(member.modelId, 'idle'))).catch(() => {});
    }, member.idleTtlMs);
    member.idleTimer.unref?.();
  }

  private serialised<T>(operation: () => Promise<T>): Promise<T> {
    const run = this.chain.then(operation, operation);
    this.chain = run.catch(() => {});
    return run;
  }
}
