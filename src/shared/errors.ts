/**
 * The one error shape that crosses every boundary (IPC, WebSocket, engine process, HTTP).
 * `code` is stable and machine-readable; `message` is for people: it says what happened and,
 * where there is one, what to do next.
 */
export type ErrorCode =
  | 'BAD_REQUEST'
  | 'UNKNOWN_METHOD'
  | 'NOT_FOUND'
  | 'MODEL_UNREADABLE'
  | 'MODEL_NOT_LOADED'
  | 'BUSY'
  | 'CONTEXT_OVERFLOW'
  | 'ENGINE_CRASHED'
  | 'ENGINE_ERROR'
  | 'UNAUTHORIZED'
  | 'INTERNAL';

/** Serializable error: what every host returns instead of a thrown exception. */
export interface ErrorShape {
  code: ErrorCode;
  message: string;
}

/** Thrown inside services; hosts turn it into an {@link ErrorShape}. */
export class AppError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'AppError';
    this.code = code;
  }

  toJSON(): ErrorShape {
    return { code: this.code, message: this.message };
  }
}

/** Turns anything thrown into an {@link ErrorShape} without leaking stack traces. */
export function toErrorShape(error: unknown): ErrorShape {
  if (error instanceof AppError) return error.toJSON();
  if (isErrorShape(error)) return { code: error.code, message: error.message };
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL', message };
}

export function isErrorShape(value: unknown): value is ErrorShape {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as ErrorShape).code === 'string' &&
    typeof (value as ErrorShape).message === 'string'
  );
}

/** Rebuilds a throwable error from its serialized shape (client side of a transport). */
export function fromErrorShape(shape: ErrorShape): AppError {
  return new AppError(shape.code, shape.message);
}
