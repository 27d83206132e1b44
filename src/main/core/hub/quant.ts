/**
 * Quantization and split-part names in GGUF file names. Uploaders are inconsistent
 * (`model.Q4_K_M.gguf`, `model-q4_k_m.gguf`, `UD-IQ2_XXS`), so this is a tolerant token match.
 */

/** Suffix segments that may follow a quant family, e.g. `_K`, `_M`, `_0`, `_XXS`, `_4_4`. */
const QUANT_SEGMENT = '(?:_(?:[0-9]|K|XXS|XS|S|M|L|XL|NL))';
/** A quant token, bounded by non-alphanumerics so `Qwen2` or `Q4Model` do not match. */
const QUANT_TOKEN = new RegExp(
  `(?<![A-Za-z0-9])(I?Q[1-8]${QUANT_SEGMENT}*|TQ[12]_0|MXFP4|BF16|F16|F32|FP16|FP32)(?![A-Za-z0-9])`,
  'gi',
);
const SPLIT_SUFFIX = /-(\d{5})-of-(\d{5})\.gguf$/i;

/**
 * The quantization named in a GGUF file name, upper-cased (`FP16` → `F16`), or undefined.
 * When several tokens appear the last one wins: model names come first, the quant last.
 */
export function quantFromFileName(fileName: string): string | undefined {
  const base = (fileName.split('/').pop() ?? fileName).replace(SPLIT_SUFFIX, '.gguf').replace(/\.gguf$/i, '');
  const matches = [...base.matchAll(QUANT_TOKEN)];
  const last = matches.at(-1)?.[1]?.toUpperCase();
  if (last === 'FP16') return 'F16';
  if (last === 'FP32') return 'F32';
  return last;
}

/** `{ stem, index, count }` for `stem-0000N-of-0000M.gguf` (1-based index), else undefined. */
export function splitPartOf(path: string): { stem: string; index: number; count: number } | undefined {
  const match = SPLIT_SUFFIX.exec(path);
  if (!match) return undefined;
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (index < 1 || count < 1 || index > count) return undefined;
  return { stem: path.slice(0, match.index), index, count };
}

/**
 * Rough bits per weight used only to order quants smallest-first (IQ1 … F32); not a size
 * estimate. Unknown names sort last.
 */
export function quantSortKey(quant: string | undefined): number {
  if (quant === undefined) return 1_000;
  if (quant === 'MXFP4') return 4.25;
  const float = /^(?:BF|F)(16|32)$/.exec(quant);
  if (float) return Number(float[1]) + (quant.startsWith('BF') ? 0.5 : 0);
  const match = /^(I|T)?Q(\d)/.exec(quant);
  if (!match) return 999;
  // Within one bit width: IQ before K-quants before legacy, and S < M < L by their suffix.
  const family = match[1] === 'I' ? 0 : match[1] === 'T' ? 0.05 : quant.includes('_K') ? 0.3 : 0.6;
  const size = /_(XXS|XS|S|M|L|XL)$/.exec(quant)?.[1];
  const sizeRank = size ? ['XXS', 'XS', 'S', 'M', 'L', 'XL'].indexOf(size) * 0.04 : 0.02;
  return Number(match[2]) + family + sizeRank;
}
