import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiRequestLogEntry } from '../../../shared/serverDto';
import type { ApiError } from './openaiErrors';

/** Is `path` one of the Ollama-compatible routes (`/api/*`)? Their errors are Ollama's `{error}`. */
export function isOllamaPath(path: string): boolean {
  return path.startsWith('/api/');
}

/** Status the log records for a request whose client left before the answer was complete (nginx's). */
export const CLIENT_CLOSED = 499;

/**
 * One request and its answer: the abort signal that fires when the client goes away, JSON and
 * error replies, and what the request log needs (model, tokens, error code), written once when
 * the response closes — finished or cut off.
 */
export class ApiExchange {
  readonly startedAt = performance.now();
  readonly time = new Date().toISOString();
  readonly path: string;
  /** Ollama's dialect (`/api/*`): errors are `{error: "<message>"}` instead of OpenAI's object. */
  readonly ollama: boolean;
  /** Aborted when the client disconnects before the answer is complete: its generation stops at once. */
  readonly signal: AbortSignal;
  model: string | undefined;
  promptTokens: number | undefined;
  completionTokens: number | undefined;
  /** Hearth's error code for the log; `client_closed` when the client left. */
  errorCode: string | undefined;
  private readonly controller = new AbortController();

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    onLogged: (entry: Omit<ApiRequestLogEntry, 'id'>) => void,
  ) {
    this.path = (req.url ?? '/').split('?')[0]!.slice(0, 500);
    this.ollama = isOllamaPath(this.path);
    this.signal = this.controller.signal;
    // `close` fires once per response: after the last byte, or when the connection dropped first.
    res.once('close', () => {
      const complete = res.writableFinished;
      if (!complete) {
        this.controller.abort();
        this.errorCode ??= 'client_closed';
      }
      onLogged({
        time: this.time,
        method: req.method ?? '?',
        path: this.path,
        ...(this.model !== undefined ? { model: this.model.slice(0, 300) } : {}),
        status: complete || res.headersSent ? res.statusCode : CLIENT_CLOSED,
        ...(this.promptTokens !== undefined ? { promptTokens: this.promptTokens } : {}),
        ...(this.completionTokens !== undefined ? { completionTokens: this.completionTokens } : {}),
        durationMs: Math.round(performance.now() - this.startedAt),
        ...(this.errorCode !== undefined ? { error: this.errorCode } : {}),
      });
    });
  }

  /** True once the client is gone; nothing more can be sent. */
  get closed(): boolean {
    return this.signal.aborted || this.res.destroyed;
  }

  sendJson(status: number, body: unknown, headers: Record<string, string> = {}): void {
    if (this.res.headersSent || this.closed) return;
    const text = JSON.stringify(body);
    this.res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), ...headers });
    this.res.end(text);
  }

  sendError(error: ApiError, headers: Record<string, string> = {}): void {
    this.errorCode = error.hearthCode;
    const retry: Record<string, string> = error.retryAfterMs !== undefined ? { 'Retry-After': String(Math.max(1, Math.ceil(error.retryAfterMs / 1000))) } : {};
    this.sendJson(error.status, this.ollama ? { error: error.message } : error.body(), { ...retry, ...headers });
  }
}
