/**
 * The one recommendation: which file of a model to pick on this machine, weighing fit, predicted
 * speed and quality loss. Used by local fits (My Models, `hearth hardware`), the repo page,
 * `hearth pull` without a quant and, through the repo page's primary button, "Download & load".
 *
 * Only files that fit are candidates (any label but Too large; a split or CPU load is slower, and
 * the predicted speed already says by how much). Then, by preference:
 * * Balanced (default): the highest ln(tok/s) − λ · loss%, with λ = ln(1.08): a file 1 % worse
 *   (perplexity vs F16) must be at least 8 % faster. So a 4-bit legacy file (Q4_0, +7.5 % on
 *   LLaMA 3 8B) beats F16 once it is about 1.8× faster, and K-quants around 4.5–5.5 bits usually
 *   win where generation is bound by memory bandwidth, as LM Studio's and Ollama's Q4_K_M default
 *   assumes.
 * * Quality: the most precise file that fits (most bits per weight).
 * * Speed: the fastest file whose quality loss is under {@link SPEED_LOSS_LIMIT_PERCENT}; if none,
 *   the most precise one.
 */
import type { FileTradeoff, MachineProfile, RecommendPreference } from '../../../shared/benchDto';
import type { FitEstimate } from '../../../shared/hardwareDto';
import { defaultProfile, predictTokensPerSecond } from '../bench/machineProfile';
import { priorQuality, type QualityLookup } from '../hub/quantQuality';
import { recommendationReason } from './fitReason';

/** Balanced's exchange rate: 1 % more perplexity is worth giving up for 8 % more speed. */
export const BALANCED_LAMBDA = Math.log(1.08);
/** Speed's limit on quality loss, % perplexity over F16: rules out 2–3-bit files on most models. */
export const SPEED_LOSS_LIMIT_PERCENT = 10;

export interface RecommendCandidate {
  modelId: string;
  /** Files of the same model (same folder or same general.name, or one repo) share a group. */
  group: string;
  bitsPerWeight: number;
  quantization: string;
  estimate: FitEstimate | null;
  /** Weights read per generated token (bench/bytesPerToken.ts); the estimate's weights when absent. */
  bytesPerToken?: number;
  parameterCount?: number;
  /** What a lab measurement of this file is kept by (library id, or `owner/repo/file`). */
  fileKey?: string;
}

export interface RecommendContext {
  profile: MachineProfile;
  preference: RecommendPreference;
  quality: QualityLookup;
}

export interface Recommendations {
  /** modelId → one-line reason, for the recommended file of each group that has one that fits. */
  reasons: Map<string, string>;
  /** modelId → predicted speed and quality loss, for every file with an estimate. */
  tradeoffs: Map<string, FileTradeoff>;
}

type Scored = RecommendCandidate & { estimate: FitEstimate; tradeoff: FileTradeoff };

export function recommend(candidates: RecommendCandidate[], context: Partial<RecommendContext> = {}): Recommendations {
  const { profile = defaultProfile(), preference = 'balanced', quality = priorQuality } = context;
  const tradeoffs = new Map<string, FileTradeoff>();
  const groups = new Map<string, Scored[]>();
  for (const candidate of candidates) {
    const { estimate } = candidate;
    if (!estimate) continue;
    const tradeoff = tradeoffOf(candidate, estimate, profile, quality);
    tradeoffs.set(candidate.modelId, tradeoff);
    if (estimate.label === 'too-large') continue;
    const group = groups.get(candidate.group) ?? [];
    group.push({ ...candidate, estimate, tradeoff });
    groups.set(candidate.group, group);
  }
  const reasons = new Map<string, string>();
  for (const group of groups.values()) {
    const chosen = choose(group, preference);
    reasons.set(chosen.modelId, recommendationReason(chosen.quantization, chosen.estimate, chosen.tradeoff, preference));
  }
  return { reasons, tradeoffs };
}

function tradeoffOf(candidate: RecommendCandidate, estimate: FitEstimate, profile: MachineProfile, quality: QualityLookup): FileTradeoff {
  const weights = estimate.vram.weightsBytes + estimate.ram.weightsBytes;
  const bytes = candidate.bytesPerToken && candidate.bytesPerToken > 0 ? candidate.bytesPerToken : weights;
  const gpuShare = weights > 0 ? estimate.vram.weightsBytes / weights : 0;
  const onGpu = gpuShare > 0;
  return {
    tokensPerSecond: predictTokensPerSecond(profile, bytes, gpuShare),
    // A split file is measured only when both pools are.
    speedSource: profile.cpu.source === 'measured' && (!onGpu || profile.gpu?.source === 'measured') ? 'measured' : 'default',
    quality: quality({
      quantization: candidate.quantization,
      bitsPerWeight: candidate.bitsPerWeight,
      parameterCount: candidate.parameterCount,
      ...(candidate.fileKey !== undefined ? { fileKey: candidate.fileKey } : {}),
    }),
  };
}

/** Stable order for ties: more bits, then the lower id. */
function tieBreak(a: Scored, b: Scored): number {
  return b.bitsPerWeight - a.bitsPerWeight || (a.modelId < b.modelId ? -1 : a.modelId > b.modelId ? 1 : 0);
}

function mostPrecise(group: Scored[]): Scored {
  return [...group].sort((a, b) => b.bitsPerWeight - a.bitsPerWeight || b.tradeoff.tokensPerSecond - a.tradeoff.tokensPerSecond || tieBreak(a, b))[0]!;
}

function choose(group: Scored[], preference: RecommendPreference): Scored {
  if (preference === 'quality') return mostPrecise(group);
  const known = group.filter((c) => c.tradeoff.quality !== null && c.tradeoff.tokensPerSecond > 0);
  if (preference === 'speed') {
    const allowed = known.filter((c) => c.tradeoff.quality!.percent < SPEED_LOSS_LIMIT_PERCENT);
    if (allowed.length === 0) return mostPrecise(group);
    return allowed.sort((a, b) => b.tradeoff.tokensPerSecond - a.tradeoff.tokensPerSecond || a.tradeoff.quality!.percent - b.tradeoff.quality!.percent || tieBreak(a, b))[0]!;
  }
  if (known.length === 0) return mostPrecise(group);
  const utility = (c: Scored) => Math.log(c.tradeoff.tokensPerSecond) - BALANCED_LAMBDA * c.tradeoff.quality!.percent;
  return known.sort((a, b) => utility(b) - utility(a) || tieBreak(a, b))[0]!;
}
