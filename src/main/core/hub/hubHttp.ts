import { AppError, type ErrorCode } from '../../../shared/errors';

/** Code for "the Hub could not be reached or failed"; the message says what to do. */
export const HUB_NETWORK_CODE: ErrorCode = 'NETWORK';

export interface HubHttpOptions {
  /** Base URL, no trailing slash. Only this origin ever receives the token. */
  endpoint: string;
  token?: string;
  /** Until response headers (and, for JSON, the body) arrive, per hop, in ms; default 30 000. */
  timeoutMs?: number;
  /** Retries after a 429; default 3. */
  maxRetries?: number;
  /** First backoff when the Hub gives no hint, in ms; doubles per retry; default 1 000. */
  initialBackoffMs?: number;
  /** Longest total time one call may spend waiting out 429s, in ms; default 60 000. */
  retryBudgetMs?: number;
  /** Injected for tests so backoff is observable without waiting. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** Who a request is about, for error messages. */
export interface HubSubject {
  repo?: string;
  path?: string;
}

export interface HubRequest {
  method?: 'GET' | 'HEAD';
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Default true; false returns the first response (e.g. a 302 with its `Location`). */
  followRedirects?: boolean;
  subject?: HubSubject;
}

/** A response plus a release for its timeout: call it once the body is consumed (or not needed). */
export interface HubResponse {
  response: Response;
  /** URL of the response after redirects. */
  url: string;
  done: () => void;
}

const MAX_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    }, { once: true });
  });
}

/**
 * HTTP for the Hub: per-hop timeout, redirects followed by hand so `Authorization` goes only
 * to the endpoint's origin (never to the CDN it redirects to), bounded 429 backoff, and Hub
 * errors turned into {@link AppError}s with a next step.
 */
export class HubHttp {
  readonly endpoint: string;
  private readonly origin: string;
  private readonly token: string | undefined;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly initialBackoffMs: number;
  private readonly retryBudgetMs: number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;

  constructor(options: HubHttpOptions) {
    this.endpoint = options.endpoint;
    this.origin = new URL(options.endpoint).origin;
    this.token = options.token;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.maxRetries = options.maxRetries ?? 3;
    this.initialBackoffMs = options.initialBackoffMs ?? 1_000;
    this.retryBudgetMs = options.retryBudgetMs ?? 60_000;
    this.sleep = options.sleep ?? defaultSleep;
  }

  get hasToken(): boolean {
    return this.token !== undefined;
  }

  /** GETs JSON; the timeout covers the body too. */
  async json<T>(url: string, request: HubRequest = {}): Promise<{ body: T; response: Response }> {
    const { response, done } = await this.send(url, request);
    try {
      return { body: (await response.json()) as T, response };
    } catch (error) {
      if (error instanceof SyntaxError) throw new AppError(HUB_NETWORK_CODE, `${new URL(url).host} answered with something that is not JSON: check HF_ENDPOINT.`);
      throw this.transportError(error, url);
    } finally {
      done();
    }
  }

  /**
   * Sends with retries on 429 and returns the first successful (2xx) response, or the first
   * redirect when `followRedirects` is false. Anything else throws an {@link AppError}.
   */
  async send(url: string, request: HubRequest = {}): Promise<HubResponse> {
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      const result = await this.followRedirects(url, request);
      if (result.response.status !== 429) {
        if (result.response.ok || (request.followRedirects === false && REDIRECTS.has(result.response.status))) return result;
        const error = await this.statusError(result.response, request.subject, result.url);
        result.done();
        throw error;
      }
      const hintMs = retryHintMs(result.response.headers);
      result.done();
      await result.response.body?.cancel().catch(() => undefined);
      const waitMs = hintMs ?? this.initialBackoffMs * 2 ** attempt;
      const budgetLeft = this.retryBudgetMs - (Date.now() - started);
      if (attempt >= this.maxRetries || waitMs > budgetLeft) {
        throw new AppError('BUSY', `${new URL(url).host} is rate limiting requests; try again in ${Math.ceil(waitMs / 1000)} s.`, {
          retryAfterMs: waitMs,
        });
      }
      await this.sleep(waitMs, request.signal);
    }
  }

  private async followRedirects(startUrl: string, request: HubRequest): Promise<HubResponse> {
    let url = startUrl;
    for (let hop = 0; ; hop++) {
      const hopResult = await this.fetchOnce(url, request);
      const { response } = hopResult;
      const location = response.headers.get('location');
      if (request.followRedirects === false || !REDIRECTS.has(response.status) || location === null) return hopResult;
      hopResult.done();
      await response.body?.cancel().catch(() => undefined);
      if (hop >= MAX_REDIRECTS) {
        throw new AppError(HUB_NETWORK_CODE, `Too many redirects from ${new URL(startUrl).host} (more than ${MAX_REDIRECTS}).`);
      }
      url = new URL(location, url).toString();
    }
  }

  private async fetchOnce(url: string, request: HubRequest): Promise<HubResponse> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new DOMException('timed out', 'TimeoutError')), this.timeoutMs);
    const done = (): void => clearTimeout(timer);
    const signal = request.signal ? AbortSignal.any([controller.signal, request.signal]) : controller.signal;
    const headers: Record<string, string> = { ...request.headers };
    // Compared by origin (scheme, host and port): a CDN on the same host name but another port is another server.
    if (this.token !== undefined && new URL(url).origin === this.origin) headers.authorization = `Bearer ${this.token}`;
    try {
      const response = await fetch(url, { method: request.method ?? 'GET', headers, redirect: 'manual', signal });
      return { response, url, done };
    } catch (error) {
      done();
      if (request.signal?.aborted) throw request.signal.reason;
      throw this.transportError(error, url);
    }
  }

  /** Connection-level failures: refused, DNS, reset, timeout. */
  private transportError(error: unknown, url: string): AppError {
    const host = new URL(url).host;
    if (error instanceof AppError) return error;
    const name = (error as { name?: string } | null)?.name;
    if (name === 'TimeoutError' || name === 'AbortError') {
      return new AppError(HUB_NETWORK_CODE, `${host} did not answer within ${Math.round(this.timeoutMs / 1000)} s: check your connection or HF_ENDPOINT.`);
    }
    const code = causeCode(error);
    if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'ENETUNREACH' || code === 'EHOSTUNREACH') {
      return new AppError(HUB_NETWORK_CODE, `Cannot reach ${host}: check your connection or HF_ENDPOINT.`);
    }
    return new AppError(HUB_NETWORK_CODE, `The connection to ${host} failed${code ? ` (${code})` : ''}: check your connection or HF_ENDPOINT.`);
  }

  private async statusError(response: Response, subject: HubSubject = {}, url: string): Promise<AppError> {
    await response.body?.cancel().catch(() => undefined);
    const errorCode = response.headers.get('x-error-code');
    const repo = subject.repo ?? 'the model';
    const host = new URL(url).host;
    if (errorCode === 'GatedRepo') {
      return this.token === undefined
        ? new AppError('UNAUTHORIZED', `${repo} is gated: accept its terms on huggingface.co and set HF_TOKEN.`)
        : new AppError('UNAUTHORIZED', `${repo} is gated and your HF_TOKEN has no access yet: accept its terms on huggingface.co (or check the token).`);
    }
    if (errorCode === 'RepoNotFound') {
      const privateHint = this.token === undefined ? ' (if it is private, set HF_TOKEN)' : '';
      return new AppError('NOT_FOUND', `Model repo ${repo} was not found on ${host}${privateHint}.`);
    }
    if (errorCode === 'RevisionNotFound') return new AppError('NOT_FOUND', `That revision of ${repo} was not found.`);
    if (errorCode === 'EntryNotFound' || (response.status === 404 && subject.path)) {
      return new AppError('NOT_FOUND', `File ${subject.path ?? ''} was not found in ${repo}.`);
    }
    if (response.status === 404) return new AppError('NOT_FOUND', `${host} answered 404 for ${repo}.`);
    if (response.status === 401 || response.status === 403) {
      return new AppError('UNAUTHORIZED', `${host} refused the request (HTTP ${response.status}): check HF_TOKEN.`);
    }
    if (response.status === 503) {
      const retryAfterMs = retryHintMs(response.headers) ?? 30_000;
      return new AppError('BUSY', `${host} is temporarily unavailable; try again later.`, { retryAfterMs });
    }
    return new AppError(HUB_NETWORK_CODE, `${host} answered HTTP ${response.status}${errorCode ? ` (${errorCode})` : ''}.`);
  }
}

/** Node puts the socket error (`ECONNREFUSED`…) on `error.cause`, sometimes one level deeper. */
function causeCode(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current && depth < 4; current = (current as { cause?: unknown }).cause, depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    const nested = (current as { errors?: unknown[] }).errors?.[0];
    const nestedCode = (nested as { code?: unknown } | undefined)?.code;
    if (typeof nestedCode === 'string') return nestedCode;
  }
  return undefined;
}

/**
 * Wait suggested by the server, in ms: `Retry-After` (seconds or an HTTP date), else the
 * `t=` (seconds to reset) of the IETF `RateLimit` header the Hub sends.
 */
export function retryHintMs(headers: Headers, now = Date.now()): number | undefined {
  const retryAfter = headers.get('retry-after')?.trim();
  if (retryAfter) {
    if (/^\d+$/.test(retryAfter)) return Number(retryAfter) * 1000;
    const at = Date.parse(retryAfter);
    if (!Number.isNaN(at)) return Math.max(0, at - now);
  }
  const reset = /(?:^|[;,\s])t=(\d+)/.exec(headers.get('ratelimit') ?? '');
  return reset ? Number(reset[1]) * 1000 : undefined;
}
