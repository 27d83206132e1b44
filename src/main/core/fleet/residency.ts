/**
 * How a model becomes resident, decided for one load: the residency policy a request brings and,
 * from it, the other resident models and the memory now, which idle models make room (by
 * planAdmission's rules, admission.ts), why an on-demand request must wait, or the BUSY or
 * WONT_FIT it fails with. The fleet (fleet.ts) carries the decision out.
 */
import { AppError } from '../../../shared/errors';
import type { LoadSpec } from '../engine/modelLoad';
import type { FitHardware } from '../hardware/fitBudget';
import { planAdmission } from './admission';
import type { AdmissionWaiter } from './admissionQueue';
import { admissionView, memoryOf, type Member } from './fleetMember';

/** How a model becomes resident. */
export interface ResidencyPolicy {
  /** Loaded by the user in the app: pinned (stays until unloaded), and may replace idle models, pinned ones included. */
  pin: boolean;
  /** Unpinned models: unloaded after this long without use, in ms; 0 = never. */
  idleTtlMs?: number;
  /** Also give a resident unpinned model this `idleTtlMs` (Ollama's `keep_alive`); default it keeps the one it was loaded with. */
  setIdleTtl?: boolean;
  /** On-demand requests wait (in a fair queue, told their place) for busy models to make room. */
  wait?: AdmissionWaiter;
}

/** Retry hint of a BUSY admission, in ms. */
export const ADMISSION_RETRY_MS = 5_000;
export const DEFAULT_ADMISSION_WAIT_MS = 60_000;

/** What the fleet knows when it decides a load. */
export interface AdmissionContext {
  /** Every resident member, `existing` included. */
  members: Member[];
  /** The model's own member when it is resident (a reload). */
  existing: Member | undefined;
  /** Memory now as the fit estimator sees it, with every resident model counted as used. */
  memory(): Promise<FitHardware>;
  maxModels: number | undefined;
}

/**
 * Whether `modelId` may become resident with `spec`'s settings: which idle models to evict first,
 * or (an on-demand request that may wait) why it must wait; else throws WONT_FIT (a load the user
 * asked for) or BUSY.
 */
export async function decideAdmission(modelId: string, spec: LoadSpec, policy: ResidencyPolicy, fleet: AdmissionContext): Promise<{ evict: string[] } | { reason: string }> {
  const { existing } = fleet;
  const residents = fleet.members.filter((m) => m !== existing).map((m) => admissionView(m));
  const hardware = await fleet.memory();
  // Reloading frees what the model holds now.
  const freed = existing ? memoryOf(existing.engine.loadedModel) : { ramBytes: 0, vramBytes: 0 };
  const decision = planAdmission({
    need: spec.predicted ?? { ramBytes: 0, vramBytes: 0 },
    hardware: { ...hardware, ramFreeBytes: hardware.ramFreeBytes + freed.ramBytes, vramFreeBytes: hardware.vramFreeBytes + freed.vramBytes },
    residents,
    mayEvictPinned: policy.pin,
    maxModels: fleet.maxModels ?? Number.POSITIVE_INFINITY,
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
  return { evict: decision.evict };
}

/** BUSY for reloading a busy model: the reload would cut someone's reply short. */
export function busyReloadError(member: Member): AppError {
  const { running, queued } = member.engine.activity;
  const busy = running + queued;
  return new AppError('BUSY', `"${member.modelId}" has ${busy || 'a request'} ${busy === 1 ? 'reply' : 'replies'} running or waiting. Stop them or wait for them to finish, then load it again.`, { retryAfterMs: ADMISSION_RETRY_MS });
}

/** BUSY for an on-demand request whose wait for busy models ran out. */
export function waitExpiredError(modelId: string, reason: string): AppError {
  return new AppError('BUSY', `Hearth cannot load "${modelId}" now: ${reason}. Try again in about ${ADMISSION_RETRY_MS / 1000} s.`, { retryAfterMs: ADMISSION_RETRY_MS });
}

/** A request's own idle TTL for a resident model (`setIdleTtl`); the timer re-arms with it once the model is idle again. */
export function retune(member: Member, policy: ResidencyPolicy): void {
  if (policy.setIdleTtl && !member.pinned) member.idleTtlMs = policy.idleTtlMs ?? 0;
}
