import type { ModelOnDemand } from '../../core/generation/modelOnDemand';
import type { ApiContext } from './apiContext';
import { badRequest } from './openaiErrors';

/**
 * Ollama's per-request residency: `keep_alive` and `options.num_ctx`, applied through the fleet's
 * policy (ModelOnDemand's per-request override), never by loading or unloading behind its back:
 * - `keep_alive` 0 / "0s": the model unloads as soon as no request uses it (the fleet's idle
 *   timer with the shortest TTL); the request answers once it is gone, so a `ps` right after no
 *   longer lists it;
 * - a duration ("5m", "1h30m", "300ms") or a number of seconds: that model's idle TTL from now on;
 * - negative: never unloaded for idleness (the fleet may still evict it to make room);
 * - absent: the server's `--api-idle-ttl`.
 * A model the user loaded in the app is pinned and keeps its residency whatever `keep_alive` says.
 * `num_ctx` is the context (tokens per sequence) when this request loads the model; a model already
 * resident keeps the context it was loaded with.
 */

/** Longest TTL a Node timer takes (2^31 − 1 ms, about 24.8 days); longer ones mean "never". */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** How long a `keep_alive: 0` request waits for its model to go before answering anyway, in ms. */
const UNLOAD_WAIT_MS = 5_000;
const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, μs: 1e-3, ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/**
 * `keep_alive` in ms: undefined when absent (the server's default), 0 = unload after the request,
 * Infinity = keep. Numbers are seconds; strings are Go durations as Ollama reads them ("5m", "1h30m").
 */
export function parseKeepAlive(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return value < 0 ? Infinity : value * 1_000;
  if (typeof value !== 'string') throw badRequest('keep_alive must be a duration such as "5m" or a number of seconds.', 'keep_alive');
  const text = value.trim();
  if (/^-?\d+(\.\d+)?$/.test(text)) return parseKeepAlive(Number(text));
  const match = /^(-)?((?:\d+(?:\.\d+)?(?:ns|us|µs|μs|ms|s|m|h))+)$/.exec(text);
  if (!match) throw badRequest(`keep_alive "${text.slice(0, 40)}" is not a duration: use e.g. "5m", "1h", "30s", 0 or -1.`, 'keep_alive');
  let ms = 0;
  for (const [, amount, unit] of match[2]!.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|μs|ms|s|m|h)/g)) ms += Number(amount) * UNIT_MS[unit!]!;
  return match[1] && ms > 0 ? Infinity : ms;
}

/** `options.num_ctx`: a positive whole number of tokens, or undefined. */
export function parseNumCtx(options: Record<string, unknown> | null | undefined): number | undefined {
  const value = options?.num_ctx;
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw badRequest('options.num_ctx must be a positive whole number of tokens.', 'options.num_ctx');
  return value;
}

export interface OllamaResidency {
  /** `ctx.models` with this request's `keep_alive` and `num_ctx`. */
  models: ModelOnDemand;
  /** `keep_alive` 0: the model is to unload after this request. */
  unload: boolean;
  /** After the request released its model: with `keep_alive` 0, waits until the fleet unloaded it (at most a few seconds). */
  settle(modelId: string): Promise<void>;
}

/** The request's residency settings, read from its body (see the file comment). */
export function ollamaResidency(ctx: ApiContext, body: { keep_alive?: unknown; options?: Record<string, unknown> | null | undefined }): OllamaResidency {
  const keepMs = parseKeepAlive(body.keep_alive);
  const numCtx = parseNumCtx(body.options);
  const unload = keepMs === 0;
  // The fleet reads an idle TTL of 0 as "never": 1 ms is "as soon as nothing uses it".
  const idleTtlMs = keepMs === undefined ? undefined : unload ? 1 : keepMs > MAX_TIMER_MS ? 0 : Math.max(1, Math.round(keepMs));
  const override = { ...(idleTtlMs !== undefined ? { idleTtlMs } : {}), ...(numCtx !== undefined ? { loadDefaults: { contextSize: numCtx } } : {}) };
  const models = Object.keys(override).length > 0 ? ctx.models.withOverride(override) : ctx.models;
  return { models, unload, settle: (modelId) => (unload ? untilUnloaded(ctx, modelId) : Promise.resolve()) };
}

/** Resolves when `modelId` is no longer resident, is pinned (it stays), or after {@link UNLOAD_WAIT_MS}. */
export function untilUnloaded(ctx: ApiContext, modelId: string): Promise<void> {
  const gone = (): boolean => {
    const resident = ctx.core.inference.getState().models.find((model) => model.modelId === modelId);
    return !resident || resident.pinned;
  };
  if (gone()) return Promise.resolve();
  return new Promise((resolve) => {
    const finish = (): void => {
      clearTimeout(timer);
      unsubscribe();
      resolve();
    };
    const timer = setTimeout(finish, UNLOAD_WAIT_MS);
    const unsubscribe = ctx.core.events.subscribe((event) => {
      if (event === 'inference.stateChanged' && gone()) finish();
    });
  });
}
