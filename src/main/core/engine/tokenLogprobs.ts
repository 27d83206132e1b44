import type { LlamaModel, Token } from 'node-llama-cpp';
import type { TokenChoice, TokenLogprob } from '../../../shared/dto';

/**
 * A generated token's log probability and its `top` likeliest alternatives, from what
 * node-llama-cpp reports for the position (`confidence`: the chosen token's probability;
 * `probabilities`: the distribution after the request's sampling options). A token's text is
 * its own piece of text (special tokens spelled out); a piece that is only part of a UTF-8
 * character reads as U+FFFD, as llama.cpp's server shows it.
 */
export function tokenLogprob(model: LlamaModel, token: Token, confidence: number, probabilities: ReadonlyMap<Token, number> | undefined, top: number): TokenLogprob {
  return { ...choice(model, token, confidence), top: probabilities && top > 0 ? likeliest(probabilities, top).map(([t, p]) => choice(model, t, p)) : [] };
}

function choice(model: LlamaModel, token: Token, probability: number): TokenChoice {
  const text = model.detokenize([token], true);
  // ln(0) is -Infinity, which JSON cannot carry: the smallest finite value stands for "never".
  const logprob = probability > 0 ? Math.log(probability) : -Number.MAX_VALUE;
  return { token: text, logprob, bytes: [...Buffer.from(text, 'utf8')] };
}

/** The `count` most probable entries, most probable first (one pass; `count` is at most 20). */
function likeliest(probabilities: ReadonlyMap<Token, number>, count: number): [Token, number][] {
  const best: [Token, number][] = [];
  for (const entry of probabilities) {
    if (best.length === count && entry[1] <= best[count - 1]![1]) continue;
    let at = best.length;
    while (at > 0 && best[at - 1]![1] < entry[1]) at--;
    best.splice(at, 0, entry);
    if (best.length > count) best.pop();
  }
  return best;
}
