import type { ErrorCode, ErrorShape } from '../../../shared/errors';
import { InvalidRequestError } from '../../../shared/generation';
import { toPublicError } from '../../core/errors/publicError';
import type { Logger } from '../../core/logging/logger';
import { wireName, type Dialect } from './samplingFields';

/** OpenAI's error types (the `type` field of its error object). */
export type OpenAiErrorType = 'invalid_request_error' | 'authentication_error' | 'not_found_error' | 'rate_limit_error' | 'server_error';

/** OpenAI's error body: what every OpenAI client knows how to read. */
export interface OpenAiErrorBody {
  error: { message: string; type: OpenAiErrorType; param: string | null; code: string | null };
}

/**
 * An error answered to an API client: HTTP status, OpenAI's `type`/`param`/`code`, a retry hint
 * (sent as `Retry-After`), and Hearth's own code for the request log.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: OpenAiErrorType,
    message: string,
    readonly param: string | null = null,
    readonly code: string | null = null,
    readonly retryAfterMs?: number,
    readonly hearthCode: string = code ?? 'BAD_REQUEST',
  ) {
    super(message);
    this.name = 'ApiError';
  }

  body(): OpenAiErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

/** A 400 naming the parameter that was wrong. */
export function badRequest(message: string, param: string | null = null, code: string | null = 'invalid_request'): ApiError {
  return new ApiError(400, 'invalid_request_error', message, param, code, undefined, 'BAD_REQUEST');
}

/** How each of Hearth's error codes is answered: status, OpenAI type and code. */
const MAPPING: Record<ErrorCode, { status: number; type: OpenAiErrorType; code: string }> = {
  BAD_REQUEST: { status: 400, type: 'invalid_request_error', code: 'invalid_request' },
  UNKNOWN_METHOD: { status: 404, type: 'not_found_error', code: 'unknown_url' },
  NOT_FOUND: { status: 404, type: 'not_found_error', code: 'model_not_found' },
  MODEL_UNREADABLE: { status: 400, type: 'invalid_request_error', code: 'model_unreadable' },
  // The model went away while the request waited (an unload from the UI): trying again loads it.
  MODEL_NOT_LOADED: { status: 503, type: 'server_error', code: 'model_not_loaded' },
  BUSY: { status: 503, type: 'server_error', code: 'server_busy' },
  CONTEXT_OVERFLOW: { status: 400, type: 'invalid_request_error', code: 'context_length_exceeded' },
  WONT_FIT: { status: 400, type: 'invalid_request_error', code: 'model_too_large' },
  ENGINE_CRASHED: { status: 500, type: 'server_error', code: 'engine_crashed' },
  ENGINE_HUNG: { status: 500, type: 'server_error', code: 'engine_hung' },
  ENGINE_ERROR: { status: 500, type: 'server_error', code: 'engine_error' },
  UNAUTHORIZED: { status: 401, type: 'authentication_error', code: 'invalid_api_key' },
  NETWORK: { status: 502, type: 'server_error', code: 'network_error' },
  INTERNAL: { status: 500, type: 'server_error', code: 'internal_error' },
};

/** Retry hint for a 503 that carries none, in ms. */
const DEFAULT_RETRY_MS = 1_000;

/**
 * Anything thrown while answering, as an {@link ApiError}. Hearth's errors keep their message;
 * anything else goes through `toPublicError` (logged, never echoed raw). `param` names the
 * request field a context overflow or a model error is about.
 */
export function toApiError(error: unknown, logger: Logger, context: string, params: { model?: string; input?: string; dialect?: Dialect } = {}): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof InvalidRequestError) {
    // The pipeline names the field in its own terms; the client is told the name it sent.
    const param = wireName(error.path, params.dialect ?? 'openai');
    return badRequest(`Invalid '${param}': ${error.issue}.`, param || null, 'invalid_value');
  }
  const shape: ErrorShape = toPublicError(error, logger, context);
  const mapped = MAPPING[shape.code] ?? MAPPING.INTERNAL;
  const param =
    shape.code === 'CONTEXT_OVERFLOW'
      ? (params.input ?? null)
      : shape.code === 'NOT_FOUND' || shape.code === 'MODEL_UNREADABLE' || shape.code === 'WONT_FIT'
        ? (params.model ?? 'model')
        : null;
  const retryAfterMs = mapped.status === 503 ? (shape.retryAfterMs ?? DEFAULT_RETRY_MS) : shape.retryAfterMs;
  return new ApiError(mapped.status, mapped.type, shape.message, param, mapped.code, retryAfterMs, shape.code);
}
