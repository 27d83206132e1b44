import type { FileTradeoff, RecommendPreference } from '../../../../shared/benchDto';
import type { RemoteFileFit } from '../../../../shared/hubDto';

/**
 * The repo page's speed and quality columns, and its row order: the Recommended file first (the
 * one the primary button belongs to), the others in the listing's order.
 */
export function recommendedFirst<F extends { name: string }>(files: readonly F[], fits: Record<string, RemoteFileFit | undefined>): F[] {
  const index = files.findIndex((file) => fits[file.name]?.recommended);
  if (index <= 0) return [...files];
  return [files[index]!, ...files.slice(0, index), ...files.slice(index + 1)];
}

/** "≈ 14 tok/s" (two significant figures at most), and what it rests on for the tooltip. */
export function speedCell(tradeoff: FileTradeoff | undefined, tooLarge: boolean): { text: string; title: string } {
  if (!tradeoff || tooLarge || !(tradeoff.tokensPerSecond > 0)) return { text: '–', title: tooLarge ? 'Does not fit here.' : 'Not estimated.' };
  const value = tradeoff.tokensPerSecond;
  const shown = value >= 10 ? String(Number(value.toPrecision(2))) : value.toFixed(1);
  return {
    text: `≈ ${shown} tok/s`,
    title:
      tradeoff.speedSource === 'measured'
        ? 'Predicted generation speed: bytes read per token ÷ the memory bandwidth measured on this machine (Hardware → Benchmark).'
        : 'Estimated with a default bandwidth: benchmark a model on the Hardware view for a figure measured on this machine.',
  };
}

/** "3 %" quality loss vs F16 (perplexity), with its source for the tooltip. */
export function qualityCell(tradeoff: FileTradeoff | undefined): { text: string; title: string } {
  const quality = tradeoff?.quality;
  if (!quality) return { text: '–', title: 'No measurement or published figure for this quantization.' };
  const percent = quality.percent;
  const amount = percent === 0 ? '0 %' : percent < 0.1 ? '< 0.1 %' : percent < 1 ? `${percent.toFixed(1)} %` : `${Math.round(percent)} %`;
  const kind = quality.source === 'measured' ? 'Measured' : quality.source === 'estimated' ? 'Estimated' : 'Published';
  const approximate = quality.source !== 'measured' && percent >= 0.1;
  return { text: `${approximate ? '≈ ' : ''}${amount}`, title: `Perplexity increase over F16. ${kind}: ${quality.basis}.` };
}

export const PREFERENCE_TEXT: Record<RecommendPreference, { label: string; hint: string }> = {
  balanced: { label: 'Balanced', hint: 'weighs speed against quality: 1 % more perplexity for at least 8 % more speed' },
  quality: { label: 'Quality', hint: 'the most precise file that fits' },
  speed: { label: 'Speed', hint: 'the fastest file with under 10 % quality loss' },
};
