import type { ChatResult, GenerationStats, StopReason } from '../../../shared/dto';
import type { LoadMemoryCheck } from '../../../shared/hardwareDto';
import type { GenerateResult } from './protocol';

/** The engine's reply as the service returns it: queue wait added to the times. */
export function toChatResult(requestId: string, result: GenerateResult, queuedMs: number): ChatResult {
  const waited = tenths(queuedMs);
  return {
    requestId,
    text: result.text,
    stats: {
      ...result.stats,
      queuedMs: waited,
      timeToFirstTokenMs: result.stats.timeToFirstTokenMs + waited,
      totalMs: result.stats.totalMs + waited,
    },
    ...(result.json ? { json: result.json } : {}),
    ...(result.logprobs ? { logprobs: result.logprobs } : {}),
    ...(result.toolCalls && result.toolCalls.length > 0 ? { toolCalls: result.toolCalls } : {}),
  };
}

/** A request its caller gave up on before it reached the engine; `json`: it asked for a JSON response format. */
export function abortedBeforeStart(requestId: string, queuedMs: number, json = false): ChatResult {
  const waited = tenths(queuedMs);
  return {
    requestId,
    text: '',
    stats: {
      promptTokens: 0,
      cachedPromptTokens: 0,
      completionTokens: 0,
      queuedMs: waited,
      timeToFirstTokenMs: waited,
      totalMs: waited,
      tokensPerSecond: 0,
      promptTokensPerSecond: 0,
      stopReason: 'abort',
    },
    ...(json ? { json: { valid: false, error: 'The reply was stopped before it started.' } } : {}),
  };
}

/** Predicted vs measured memory of a load, with the error in %. */
export function memoryCheck(predicted: LoadMemoryCheck['predicted'], measured: LoadMemoryCheck['measured']): LoadMemoryCheck {
  const expected = predicted.ramBytes + predicted.vramBytes;
  const actual = measured.ramBytes + measured.vramBytes;
  return { predicted, measured, errorPercent: expected > 0 ? Math.round(((actual - expected) / expected) * 1000) / 10 : 0 };
}

/** A reply's timings and counts, from the engine's clock (ms, to a tenth). */
export function generationStats(
  started: number,
  firstTokenAt: number,
  ended: number,
  promptTokens: number,
  cachedPromptTokens: number,
  completionTokens: number,
  stopReason: StopReason,
): Omit<GenerationStats, 'queuedMs'> {
  const first = firstTokenAt || ended;
  const genSeconds = (ended - first) / 1000;
  const promptSeconds = (first - started) / 1000;
  return {
    promptTokens,
    cachedPromptTokens,
    completionTokens,
    timeToFirstTokenMs: tenths(first - started),
    totalMs: tenths(ended - started),
    tokensPerSecond: completionTokens > 1 && genSeconds > 0 ? tenths((completionTokens - 1) / genSeconds) : 0,
    promptTokensPerSecond: promptSeconds > 0 ? tenths((promptTokens - cachedPromptTokens) / promptSeconds) : 0,
    stopReason,
  };
}

/** Milliseconds (or a rate) to a tenth, as every stat is reported. */
function tenths(value: number): number {
  return Math.round(value * 10) / 10;
}
