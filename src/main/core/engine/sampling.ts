import type { SequenceEvaluateOptions, Token } from 'node-llama-cpp';
import type { SamplingParams } from '../../../shared/dto';

/** Default sampling: what LM Studio and llama.cpp's server ship with. */
export const SAMPLING_DEFAULTS = {
  temperature: 0.8,
  topK: 40,
  topP: 0.95,
  minP: 0.05,
  repeatPenalty: 1.1,
  presencePenalty: 0,
  frequencyPenalty: 0,
  /** Generated tokens the three penalties look back over (llama.cpp's `repeat_last_n`). */
  repeatLastN: 64,
} as const;

/**
 * node-llama-cpp's evaluate options for one reply. Every field of {@link SamplingParams} that
 * shapes a token's choice is applied here; `maxTokens` and `stop` are applied by the generation.
 *
 * - The seed is fixed per reply. Without one, node-llama-cpp would use the current second, so
 *   two replies started within the same second would sample identically; a random seed is drawn.
 * - The penalties look at the last `repeatLastN` tokens of this reply only (not the prompt, so
 *   the user's own words are never punished). `repeatLastN: 0` switches all three off, as in llama.cpp.
 *
 * @param generated the reply's tokens so far; read again before every token.
 */
export function evaluateOptions(params: SamplingParams, generated: readonly Token[]): SequenceEvaluateOptions {
  const penalty = params.repeatPenalty ?? SAMPLING_DEFAULTS.repeatPenalty;
  const presencePenalty = params.presencePenalty ?? SAMPLING_DEFAULTS.presencePenalty;
  const frequencyPenalty = params.frequencyPenalty ?? SAMPLING_DEFAULTS.frequencyPenalty;
  const window = params.repeatLastN ?? SAMPLING_DEFAULTS.repeatLastN;
  const penalised = window > 0 && (penalty !== 1 || presencePenalty !== 0 || frequencyPenalty !== 0);
  return {
    temperature: params.temperature ?? SAMPLING_DEFAULTS.temperature,
    topK: params.topK ?? SAMPLING_DEFAULTS.topK,
    topP: params.topP ?? SAMPLING_DEFAULTS.topP,
    minP: params.minP ?? SAMPLING_DEFAULTS.minP,
    seed: params.seed ?? randomSeed(),
    ...(penalised
      ? {
          repeatPenalty: {
            punishTokens: () => generated.slice(-window) as Token[],
            // The window itself: node-llama-cpp's ring buffer (default 64) must hold all of it.
            maxPunishTokens: window,
            penalty,
            presencePenalty,
            frequencyPenalty,
          },
        }
      : {}),
  };
}

function randomSeed(): number {
  return Math.floor(Math.random() * 2 ** 32);
}
