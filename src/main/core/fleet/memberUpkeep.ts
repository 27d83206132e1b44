/**
 * The fleet's upkeep of its members: when each was last used (the least-recently-used order), and
 * after every change of an engine the members whose engine stopped taken out, the cores shared
 * among the engines generating, and the idle timers that unload unpinned models. Plain functions
 * over members; the fleet (fleet.ts) owns them.
 */
import type { EngineStatus } from '../../../shared/dto';
import type { EngineService } from '../engine/engineService';
import type { Logger } from '../logging/logger';
import { isBusy, type Member } from './fleetMember';
import { threadShares } from './threadShare';

/** Marks `member` used now, after every other one of `members`, so the order never ties. */
export function touch(member: Member, members: Iterable<Member>): Member {
  member.lastUsedAt = Math.max(Date.now(), ...[...members].map((m) => m.lastUsedAt + (m === member ? 0 : 1)));
  return member;
}

/**
 * Takes out of `members` those whose engine lost its model without the fleet unloading it, and
 * stops their engines; `crashed` hears each one's engine status first (the crash to show).
 */
export function dropStopped(members: Map<string, Member>, loadingEngine: EngineService | undefined, logger: Logger, crashed: (status: EngineStatus) => void): void {
  for (const member of [...members.values()]) {
    // A reload under way (or one that just failed, handled by its caller) is not a crash.
    if (member.engine.loadedModel || member.engine.activity.loading || loadingEngine === member.engine) continue;
    // The engine lost its model without us unloading it: it crashed or hung.
    members.delete(member.modelId);
    clearTimeout(member.idleTimer);
    const status = member.engine.getState().engine;
    crashed(status);
    logger.warn('a model left the fleet: its engine stopped', { modelId: member.modelId, error: status.lastError });
    void member.engine.dispose('The engine stopped.');
  }
}

/** Gives each member generating its share of `cores` (threadShares), telling its engine when it changed. */
export function shareThreads(members: Member[], cores: number, logger: Logger): void {
  const generating = members.map((m) => m.engine.activity.running + m.engine.activity.queued > 0);
  const shares = threadShares(cores, generating);
  members.forEach((member, i) => {
    const share = shares[i]!;
    if (!generating[i] || share === member.threads) return;
    member.threads = share;
    member.engine.limitThreads(share).catch((error: unknown) => logger.warn('could not share the threads', { modelId: member.modelId, error: String(error) }));
  });
}

/**
 * Keeps `member`'s idle timer in step: armed (once) while it is unpinned, has an idle TTL and is not
 * busy, cleared otherwise. `onIdle` runs when the TTL passes.
 */
export function armIdleTimer(member: Member, onIdle: () => void): void {
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
    onIdle();
  }, member.idleTtlMs);
  member.idleTimer.unref?.();
}
