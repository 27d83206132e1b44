/**
 * The one error shape that crosses every boundary (IPC, WebSocket, engine process, HTTP).
 * `code` is stable and machine-readable; `message` is for people: it says what happened and,
 * where there is one, what to do next.
 */
export const ERROR_CODES = [
  'BAD_REQUEST',
  'UNKNOWN_METHOD',
  'NOT_FOUND',
  'MODEL_UNREADABLE',
  'MODEL_NOT_LOADED',
  'BUSY',
  'CONTEXT_OVERFLOW',
  /** The fit estimate says the model will not fit with these settings; `force` loads anyway. */
  'WONT_FIT',
  'ENGINE_CRASHED',
  /** The engine stopped answering within its deadline; it was stopped and will be restarted. */
  'ENGINE_HUNG',
  'ENGINE_ERROR',
  'UNAUTHORIZED',
  /** A remote service (the Hugging Face Hub, a mirror) could not be reached or answered wrongly. */
  'NETWORK',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

const knownCodes = new Set<string>(ERROR_CODES);

/** Serializable error: what every host returns instead of a thrown exception. */
export interface ErrorShape {
  code: ErrorCode;
  message: string;
  /** With `BUSY`: when trying again is likely to succeed, in ms. */
  retryAfterMs?: number;
}

/** Longest message that crosses a boundary: a summary of what was wrong, never an echo of input. */
export const MAX_ERROR_MESSAGE = 1_000;

/** Thrown inside services; hosts turn it into an {@link ErrorShape}. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly retryAfterMs: number | undefined;

  constructor(code: ErrorCode, message: string, options: { retryAfterMs?: number } = {}) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.retryAfterMs = options.retryAfterMs;
  }

  toJSON(): ErrorShape {
    return {
      code: this.code,
      message: clip(this.message),
      ...(this.retryAfterMs !== undefined ? { retryAfterMs: this.retryAfterMs } : {}),
    };
  }
}

/** Turns anything thrown into an {@link ErrorShape} without leaking stack traces. */
export function toErrorShape(error: unknown): ErrorShape {
  if (error instanceof AppError) return error.toJSON();
  if (isErrorShape(error)) {
    return { code: error.code, message: clip(error.message), ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}) };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL', message: clip(message) };
}

function clip(message: string): string {
  return message.length <= MAX_ERROR_MESSAGE ? message : `${message.slice(0, MAX_ERROR_MESSAGE - 1)}…`;
}

export function isErrorShape(value: unknown): value is ErrorShape {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as ErrorShape).code === 'string' &&
    // A Node system error also has a string `code` (ENOENT…): only Hearth's codes make a shape.
    knownCodes.has((value as ErrorShape).code) &&
    typeof (value as ErrorShape).message === 'string'
  );
}

/** Rebuilds a throwable error from its serialized shape (client side of a transport). */
export function fromErrorShape(shape: ErrorShape): AppError {
  return new AppError(shape.code, shape.message, shape.retryAfterMs !== undefined ? { retryAfterMs: shape.retryAfterMs } : {});
}
