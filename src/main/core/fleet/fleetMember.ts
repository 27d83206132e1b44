import type { LoadedModel, ResidentModel } from '../../../shared/dto';
import type { EngineService } from '../engine/engineService';
import type { AdmissionResident, MemoryBytes } from './admission';

/** One resident model of the fleet: its engine process and what residency needs to know of it. */
export interface Member {
  modelId: string;
  engine: EngineService;
  pinned: boolean;
  lastUsedAt: number;
  /** Leases: requests between admission and the end of their generation. */
  holds: number;
  idleTtlMs: number;
  idleTimer?: NodeJS.Timeout | undefined;
  idleDeadline?: number | undefined;
  /** Thread cap last sent to its engine. */
  threads: number;
}

/** A request's hold on a resident model: while held it is never evicted. */
export interface FleetLease {
  model: LoadedModel;
  release(): void;
}

/** A lease on `member`, whose hold was taken for it: releasing it (once) drops the hold and runs `released`. */
export function leaseOf(member: Member, released: () => void): FleetLease {
  let done = false;
  return {
    model: member.engine.loadedModel!,
    release: () => {
      if (done) return;
      done = true;
      member.holds--;
      released();
    },
  };
}

/** Running, queued, loading or held by a request: never evicted, never idle-unloaded. */
export function isBusy(member: Member): boolean {
  const { running, queued, loading } = member.engine.activity;
  return running + queued > 0 || loading || member.holds > 0;
}

/** What admission (`admission.ts`) weighs of a member. */
export function admissionView(member: Member): AdmissionResident {
  return { modelId: member.modelId, memory: memoryOf(member.engine.loadedModel), pinned: member.pinned, busy: isBusy(member), lastUsedAt: member.lastUsedAt };
}

/** A member as `InferenceState.models` shows it. */
export function describeMember(member: Member): ResidentModel {
  const state = member.engine.getState();
  return {
    ...member.engine.loadedModel!,
    pinned: member.pinned,
    activeRequests: state.activeRequests.length,
    queuedRequests: state.queuedRequests,
    lastUsedAt: new Date(member.lastUsedAt).toISOString(),
    ...(member.idleDeadline !== undefined ? { idleUnloadAt: new Date(member.idleDeadline).toISOString() } : {}),
    engine: state.engine,
  };
}

/** Memory the members hold, and what the idle ones among them would give back, in bytes. */
export function memoryAccount(members: Iterable<Member>): { held: MemoryBytes; reclaimable: MemoryBytes } {
  const held = { ramBytes: 0, vramBytes: 0 };
  const reclaimable = { ramBytes: 0, vramBytes: 0 };
  for (const member of members) {
    const memory = memoryOf(member.engine.loadedModel);
    held.ramBytes += memory.ramBytes;
    held.vramBytes += memory.vramBytes;
    if (!isBusy(member)) {
      reclaimable.ramBytes += memory.ramBytes;
      reclaimable.vramBytes += memory.vramBytes;
    }
  }
  return { held, reclaimable };
}

/** What a loaded model holds: the larger of predicted and measured per pool, else its weights in RAM. */
export function memoryOf(loaded: LoadedModel | null): MemoryBytes {
  if (!loaded) return { ramBytes: 0, vramBytes: 0 };
  const check = loaded.memory;
  if (!check) return { ramBytes: loaded.modelBytes, vramBytes: 0 };
  return {
    ramBytes: Math.max(check.predicted.ramBytes, check.measured.ramBytes),
    vramBytes: Math.max(check.predicted.vramBytes, check.measured.vramBytes),
  };
}
