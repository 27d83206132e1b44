import { describe, expect, it } from 'vitest';
import type { FitHardware } from '../hardware/fitBudget';
import { planAdmission, type AdmissionResident } from './admission';
import { threadShares } from './threadShare';

const GB = 1e9;
/** A CPU machine: 16 GB total (margin 1.6 GB), `free` GB free. */
const cpu = (free: number): FitHardware => ({ gpu: false, vramTotalBytes: 0, vramFreeBytes: 0, unifiedBytes: 0, ramTotalBytes: 16 * GB, ramFreeBytes: free * GB });
const need = (ram: number) => ({ ramBytes: ram * GB, vramBytes: 0 });
const resident = (modelId: string, ram: number, lastUsedAt: number, extra: Partial<AdmissionResident> = {}): AdmissionResident => ({
  modelId,
  memory: need(ram),
  pinned: false,
  busy: false,
  lastUsedAt,
  ...extra,
});
const plan = (input: { need: number; free: number; residents: AdmissionResident[]; pin?: boolean; maxModels?: number }) =>
  planAdmission({ need: need(input.need), hardware: cpu(input.free), residents: input.residents, mayEvictPinned: input.pin ?? false, maxModels: input.maxModels ?? Infinity });

describe('planAdmission', () => {
  it('admits without evicting when the model fits next to the resident ones', () => {
    expect(plan({ need: 4, free: 8, residents: [resident('a', 4, 1)] })).toEqual({ kind: 'admit', evict: [] });
  });

  it('evicts the least recently used idle models first, and no more than needed', () => {
    const residents = [resident('new', 3, 30), resident('old', 3, 10), resident('mid', 3, 20)];
    // 2 GB free after the margin (3.6 - 1.6); needs 5: one eviction (old, 3 GB) is enough.
    expect(plan({ need: 5, free: 3.6, residents })).toEqual({ kind: 'admit', evict: ['old'] });
    // Needs 7: old, then mid.
    expect(plan({ need: 7, free: 3.6, residents })).toEqual({ kind: 'admit', evict: ['old', 'mid'] });
  });

  it('never evicts a busy model: skips it for the next idle one, or waits when only busy ones would make room', () => {
    const residents = [resident('busy', 4, 1, { busy: true }), resident('idle', 4, 2)];
    expect(plan({ need: 5, free: 3.6, residents })).toEqual({ kind: 'admit', evict: ['idle'] });
    const decision = plan({ need: 9, free: 3.6, residents });
    expect(decision).toMatchObject({ kind: 'wait', waitFor: ['busy'] });
    expect(decision.kind === 'wait' && decision.reason).toMatch(/needs 9\.0 GB; 2\.0 GB free while 1 model is busy \(busy\)/);
  });

  it('never evicts a pinned model for an on-demand load; a load the user asks for may replace it', () => {
    const residents = [resident('pinned', 4, 1, { pinned: true })];
    const onDemand = plan({ need: 5, free: 3.6, residents });
    expect(onDemand.kind).toBe('refuse');
    expect(onDemand.kind === 'refuse' && onDemand.reason).toMatch(/1 model loaded in the app stays \(pinned\)/);
    expect(plan({ need: 5, free: 3.6, residents, pin: true })).toEqual({ kind: 'admit', evict: ['pinned'] });
  });

  it('refuses what cannot fit even with every model gone, unless forced ("load anyway": every evictable model goes)', () => {
    const residents = [resident('a', 4, 1), resident('busy', 1, 2, { busy: true })];
    expect(plan({ need: 40, free: 3.6, residents })).toMatchObject({ kind: 'refuse' });
    expect(planAdmission({ need: need(40), hardware: cpu(3.6), residents, mayEvictPinned: true, maxModels: Infinity, force: true })).toEqual({ kind: 'admit', evict: ['a'] });
    // Forcing never breaks the cap or evicts a busy model.
    expect(planAdmission({ need: need(40), hardware: cpu(3.6), residents, mayEvictPinned: true, maxModels: 1, force: true })).toMatchObject({ kind: 'wait', waitFor: ['busy'] });
  });

  it('keeps within the cap on resident models, evicting the least recently used', () => {
    const residents = [resident('a', 1, 2), resident('b', 1, 1)];
    expect(plan({ need: 1, free: 12, residents, maxModels: 2 })).toEqual({ kind: 'admit', evict: ['b'] });
    expect(plan({ need: 1, free: 12, residents, maxModels: 3 })).toEqual({ kind: 'admit', evict: [] });
    const busy = [resident('a', 1, 2, { busy: true })];
    const decision = plan({ need: 1, free: 12, residents: busy, maxModels: 1 });
    expect(decision).toMatchObject({ kind: 'wait', waitFor: ['a'] });
    expect(decision.kind === 'wait' && decision.reason).toMatch(/at most 1 model may be loaded at once/);
  });

  it('charges VRAM and RAM separately on a GPU machine', () => {
    const gpu: FitHardware = { gpu: true, vramTotalBytes: 8 * GB, vramFreeBytes: 3 * GB, unifiedBytes: 0, ramTotalBytes: 32 * GB, ramFreeBytes: 20 * GB };
    const residents = [{ ...resident('a', 1, 1), memory: { ramBytes: 1 * GB, vramBytes: 4 * GB } }];
    // VRAM margin 0.8 GB: 2.2 GB usable; 5 GB needed only after evicting a.
    expect(planAdmission({ need: { ramBytes: 1 * GB, vramBytes: 5 * GB }, hardware: gpu, residents, mayEvictPinned: false, maxModels: Infinity })).toEqual({ kind: 'admit', evict: ['a'] });
    expect(planAdmission({ need: { ramBytes: 1 * GB, vramBytes: 2 * GB }, hardware: gpu, residents, mayEvictPinned: false, maxModels: Infinity })).toEqual({ kind: 'admit', evict: [] });
  });
});

describe('threadShares', () => {
  it('gives an engine alone every core and splits them among engines generating at once', () => {
    expect(threadShares(2, [true, false])).toEqual([2, 2]);
    expect(threadShares(2, [true, true])).toEqual([1, 1]);
    expect(threadShares(8, [true, true, true])).toEqual([2, 2, 2]);
    // Never below one thread, even with more engines than cores.
    expect(threadShares(2, [true, true, true, true])).toEqual([1, 1, 1, 1]);
  });
});
