import type { ChatArgs, ChatResult, CompletionArgs, EmbedArgs, EmbedResult, EngineStatus, InferenceState, LoadedModel } from '../../../shared/dto';
import type { LlamaHardwareView } from '../../../shared/hardwareDto';
import { AppError } from '../../../shared/errors';
import type { EngineLauncher } from '../engine/engineProcess';
import { EngineService, type EngineServiceOptions } from '../engine/engineService';
import type { LoadSpec } from '../engine/modelLoad';
import type { GenerationCaller } from '../engine/replyCall';
import type { EngineStatusResult } from '../engine/protocol';
import type { EventBus } from '../events/eventBus';
import type { FitHardware } from '../hardware/fitBudget';
import type { Logger } from '../logging/logger';
import type { MemoryBytes } from './admission';
import { AdmissionQueue } from './admissionQueue';
import type { RankArgs, RankResult } from '../engine/ranking';
import { isBusy, leaseOf, memoryAccount, type FleetLease, type Member } from './fleetMember';
import { fleetState, primaryOf } from './fleetView';
import { armIdleTimer, dropStopped, shareThreads, touch } from './memberUpkeep';
import { busyReloadError, decideAdmission, DEFAULT_ADMISSION_WAIT_MS, retune, waitExpiredError, type ResidencyPolicy } from './residency';


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
    return fleetState([...this.members.values()], { loading: this.loadingNow, lastCrash: this.lastCrash, spare: this.spare, maxModels: this.options.maxModels });
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
    return primaryOf(this.members.values())?.engine.loadedModel ?? null;
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
    if (resident?.engine.loadedModel) retune(resident, policy);
    const member = resident?.engine.loadedModel ? this.hold(resident) : await this.admit(modelId, plan, policy, { reload: false, hold: true });
    return leaseOf(member, () => this.changed());
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
    const attempt = () => this.serialised(() => this.tryAdmit(modelId, plan, policy, how));
    return this.waiting.admit(attempt, () => policy.wait!, deadline, (reason) => waitExpiredError(modelId, reason));
  }

  private async tryAdmit(modelId: string, plan: () => Promise<LoadSpec>, policy: ResidencyPolicy, how: { reload: boolean; hold: boolean }): Promise<{ member: Member } | { reason: string }> {
    if (this.disposed) throw new AppError('ENGINE_ERROR', 'Hearth is shutting down.');
    const existing = this.members.get(modelId);
    if (existing && how.reload && isBusy(existing)) throw busyReloadError(existing);
    if (existing && !how.reload) {
      // Resident already: another request loaded it meanwhile.
      if (policy.pin) existing.pinned = true;
      retune(existing, policy);
      return { member: how.hold ? this.hold(existing) : touch(existing, this.members.values()) };
    }
    const spec = await plan();
    const decision = await decideAdmission(modelId, spec, policy, { members: [...this.members.values()], existing, memory: () => this.options.memory(), maxModels: this.options.maxModels });
    if ('reason' in decision) return decision;
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
    touch(member, this.members.values());
    this.changed();
    return { member };
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
    return this.engineOf().hardwareView();
  }

  /** Diagnostics and tests: an engine process as it sees itself (see {@link engineOf}). */
  engineStatus(modelId?: string): Promise<EngineStatusResult> {
    return this.engineOf(modelId).engineStatus();
  }

  /** Tests and diagnostics: the engine running `modelId`; without one the primary's, else the spare one. */
  engineOf(modelId?: string): EngineService {
    if (modelId !== undefined) return this.memberFor(modelId).engine;
    return primaryOf(this.members.values())?.engine ?? this.spare ?? (this.spare = this.newEngine());
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
    const member = modelId === undefined ? primaryOf(this.members.values()) : this.members.get(modelId);
    if (member?.engine.loadedModel) return touch(member, this.members.values());
    const loading = this.loadingNow && (modelId === undefined || this.loadingNow.modelId === modelId) ? this.loadingNow.modelId : undefined;
    if (loading) throw new AppError('MODEL_NOT_LOADED', `"${loading}" is still loading; send the request when it is ready.`);
    throw new AppError('MODEL_NOT_LOADED', modelId === undefined ? 'No model is loaded. Load a model first.' : `"${modelId}" is not loaded. Load it first.`);
  }

  private hold(member: Member): Member {
    member.holds++;
    touch(member, this.members.values());
    this.changed();
    return member;
  }

  /** After every change of any engine: drop crashed models, share the cores, arm idle timers, wake waiters, publish. */
  private changed(): void {
    dropStopped(this.members, this.loadingNow?.engine, this.options.logger, (status) => (this.lastCrash = status));
    shareThreads([...this.members.values()], this.options.cores, this.options.logger);
    for (const member of this.members.values()) armIdleTimer(member, () => this.unloadIdle(member));
    this.waiting.wake();
    this.options.events.emit('inference.stateChanged', this.getState());
  }

  /** `member`'s idle TTL passed: unload it, unless it left the fleet, got busy or was pinned meanwhile. */
  private unloadIdle(member: Member): void {
    if (this.members.get(member.modelId) !== member || isBusy(member) || member.pinned) return;
    void this.serialised(() => (isBusy(member) ? Promise.resolve() : this.evict(member.modelId, 'idle'))).catch(() => {});
  }

  private serialised<T>(operation: () => Promise<T>): Promise<T> {
    const run = this.chain.then(operation, operation);
    this.chain = run.catch(() => {});
    return run;
  }
}
