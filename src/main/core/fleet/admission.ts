import { safetyMargin, type FitHardware } from '../hardware/fitBudget';

/** Memory in bytes, per pool. */
export interface MemoryBytes {
  ramBytes: number;
  vramBytes: number;
}

/** A resident model as admission sees it. */
export interface AdmissionResident {
  modelId: string;
  /** What it holds: the larger of its predicted and measured memory. */
  memory: MemoryBytes;
  /** Loaded by the user in the UI: only a load the user asks for may replace it. */
  pinned: boolean;
  /** Generating, queued, held by a request or loading: never evicted. */
  busy: boolean;
  /** For least-recently-used order (ms since epoch). */
  lastUsedAt: number;
}

export interface AdmissionInput {
  /** What the new model needs (the fit estimate's totals for its settings). */
  need: MemoryBytes;
  /** Memory now with every resident model counted as used (see FitService.fitHardware). */
  hardware: FitHardware;
  /** The other resident models (not the one being loaded). */
  residents: AdmissionResident[];
  /** May pinned models be evicted (a load the user asked for), or only unpinned ones (on demand)? */
  mayEvictPinned: boolean;
  /** Cap on resident models; Infinity = memory decides. */
  maxModels: number;
  /** "Load anyway": when memory is short even with every evictable model gone, load regardless (the cap and busy models still hold). */
  force?: boolean;
}

export type AdmissionDecision =
  | { kind: 'admit'; evict: string[] }
  /** Would fit once `waitFor` (busy models) become idle: worth waiting. */
  | { kind: 'wait'; reason: string; waitFor: string[] }
  /** Cannot fit whatever the others do, or only by evicting models this request may not evict. */
  | { kind: 'refuse'; reason: string };

const GB = 1e9;
const gb = (bytes: number) => `${(bytes / GB).toFixed(1)} GB`;

/**
 * Whether a model may become resident next to the others, and which idle models go first: the
 * least recently used ones that this request may evict, until the need fits in free memory (minus
 * the safety margin) and the count is within the cap. Pure, so every rule is tested on its own
 * (admission.test.ts); the fleet is the only caller.
 */
export function planAdmission(input: AdmissionInput): AdmissionDecision {
  const { need, hardware, residents } = input;
  const free = freeAfterMargin(hardware);
  const memoryFits = (freed: MemoryBytes) => need.ramBytes <= free.ramBytes + freed.ramBytes && need.vramBytes <= free.vramBytes + freed.vramBytes;
  const fits = (freed: MemoryBytes, count: number) => memoryFits(freed) && count + 1 <= input.maxModels;

  const evictable = residents.filter((r) => !r.busy && (input.mayEvictPinned || !r.pinned)).sort((a, b) => a.lastUsedAt - b.lastUsedAt);
  const freed: MemoryBytes = { ramBytes: 0, vramBytes: 0 };
  const evict: string[] = [];
  let count = residents.length;
  for (const candidate of [undefined, ...evictable]) {
    if (candidate) {
      evict.push(candidate.modelId);
      freed.ramBytes += candidate.memory.ramBytes;
      freed.vramBytes += candidate.memory.vramBytes;
      count--;
    }
    if (fits(freed, count)) return { kind: 'admit', evict };
  }

  // "Load anyway" overrides the memory estimate only: never the cap, never a busy model.
  if (input.force && count + 1 <= input.maxModels) return { kind: 'admit', evict };
  // Even with every evictable model gone it does not fit: would the busy ones' memory make it fit?
  const busy = residents.filter((r) => r.busy && (input.mayEvictPinned || !r.pinned));
  const withBusy = busy.reduce((sum, r) => ({ ramBytes: sum.ramBytes + r.memory.ramBytes, vramBytes: sum.vramBytes + r.memory.vramBytes }), { ...freed });
  const why = describe(need, free, residents, input);
  const fitsOnceIdle = (input.force || memoryFits(withBusy)) && count - busy.length + 1 <= input.maxModels;
  if (busy.length > 0 && fitsOnceIdle) return { kind: 'wait', reason: why, waitFor: busy.map((r) => r.modelId) };
  return { kind: 'refuse', reason: why };
}

/** Free memory per pool after the safety margin (never negative). */
export function freeAfterMargin(hardware: FitHardware): MemoryBytes {
  return {
    ramBytes: Math.max(0, hardware.ramFreeBytes - safetyMargin(hardware.ramTotalBytes)),
    vramBytes: hardware.gpu ? Math.max(0, hardware.vramFreeBytes - safetyMargin(hardware.vramTotalBytes)) : 0,
  };
}

/** "needs 5.6 GB; 2.1 GB free while 2 models are busy (a, b) and 1 pinned (c)". */
function describe(need: MemoryBytes, free: MemoryBytes, residents: AdmissionResident[], input: AdmissionInput): string {
  const needs = need.vramBytes > 0 ? `${gb(need.ramBytes)} of RAM and ${gb(need.vramBytes)} of VRAM` : gb(need.ramBytes);
  const has = need.vramBytes > 0 ? `${gb(free.ramBytes)} RAM and ${gb(free.vramBytes)} VRAM free` : `${gb(free.ramBytes)} free`;
  const busy = residents.filter((r) => r.busy).map((r) => r.modelId);
  const pinned = residents.filter((r) => !r.busy && r.pinned && !input.mayEvictPinned).map((r) => r.modelId);
  const parts: string[] = [];
  if (busy.length) parts.push(`${busy.length} ${busy.length === 1 ? 'model is' : 'models are'} busy (${busy.join(', ')})`);
  if (pinned.length) parts.push(`${pinned.length === 1 ? '1 model' : `${pinned.length} models`} loaded in the app stay${pinned.length === 1 ? 's' : ''} (${pinned.join(', ')})`);
  const atCap = residents.length >= input.maxModels ? `; at most ${input.maxModels} model${input.maxModels === 1 ? '' : 's'} may be loaded at once` : '';
  return `it needs ${needs}; ${has}${parts.length ? ` while ${parts.join(' and ')}` : ''}${atCap}`;
}
