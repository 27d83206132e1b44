import { isErrorShape, type ErrorCode, type ErrorShape } from '../../../shared/errors';

/**
 * Codes the renderer adds to the shared {@link ErrorCode}s: failures of the connection itself,
 * which no server can report.
 */
export type ClientErrorCode = 'DISCONNECTED';

/** Every rejected API call rejects with this: the server's `{code, message}`, or a client code. */
export class RpcError extends Error {
  readonly code: ErrorCode | ClientErrorCode;

  constructor(code: ErrorCode | ClientErrorCode, message: string) {
    super(message);
    this.name = 'RpcError';
    this.code = code;
  }

  static fromShape(shape: ErrorShape): RpcError {
    return new RpcError(shape.code, shape.message);
  }
}

/** Message to show for anything a call rejected with. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (isErrorShape(error)) return error.message;
  return String(error);
}

/** Machine-readable code of a rejection, `INTERNAL` when it has none. */
export function errorCode(error: unknown): ErrorCode | ClientErrorCode {
  if (error instanceof RpcError) return error.code;
  if (isErrorShape(error)) return error.code;
  return 'INTERNAL';
}

/** Reads an ErrorShape out of an Error whose message is JSON `{code, message}` (IPC rejections). */
export function rpcErrorFromThrown(error: unknown): RpcError {
  if (error instanceof RpcError) return error;
  if (isErrorShape(error)) return RpcError.fromShape(error);
  const message = error instanceof Error ? error.message : String(error);
  try {
    const parsed: unknown = JSON.parse(message);
    if (isErrorShape(parsed)) return RpcError.fromShape(parsed);
  } catch {
    // Not JSON: Electron's own wording ("Error invoking remote method ...") is all we have.
  }
  return new RpcError('INTERNAL', message);
}
