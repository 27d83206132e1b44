/**
 * Read-only views of the fleet's members: their least-recently-used order, the primary one, and
 * the `InferenceState` the app and the API show. Plain functions; the fleet (fleet.ts) owns the members.
 */
import type { EngineStatus, InferenceState } from '../../../shared/dto';
import type { EngineService } from '../engine/engineService';
import { describeMember, type Member } from './fleetMember';

/** Most recently used first. */
function byRecentUse(members: Iterable<Member>): Member[] {
  return [...members].filter((m) => m.engine.loadedModel).sort((a, b) => b.lastUsedAt - a.lastUsedAt);
}

/** The primary member (see `Fleet.primary`): the most recently used of the pinned ones, else of all. */
export function primaryOf(members: Iterable<Member>): Member | undefined {
  const ordered = byRecentUse(members);
  return ordered.find((m) => m.pinned) ?? ordered[0];
}

/** What the fleet has besides its members, for its state. */
export interface FleetExtras {
  loading: { modelId: string; progress: number; engine: EngineService } | null;
  lastCrash: EngineStatus | undefined;
  spare: EngineService | undefined;
  maxModels: number | undefined;
}

/** The fleet as `InferenceState` shows it. */
export function fleetState(all: Member[], fleet: FleetExtras): InferenceState {
  const members = byRecentUse(all);
  const primary = primaryOf(all);
  const states = members.map((m) => m.engine.getState());
  return {
    engine: primary?.engine.getState().engine ?? fleet.loading?.engine.getState().engine ?? fleet.lastCrash ?? fleet.spare?.getState().engine ?? { state: 'idle' },
    loaded: primary?.engine.loadedModel ?? null,
    models: members.map((m) => describeMember(m)),
    loading: fleet.loading ? { modelId: fleet.loading.modelId, progress: fleet.loading.progress } : null,
    activeRequests: states.flatMap((s) => s.activeRequests),
    queuedRequests: states.reduce((sum, s) => sum + s.queuedRequests, 0),
    maxModels: fleet.maxModels ?? null,
  };
}
