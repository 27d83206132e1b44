import type { z } from 'zod';
import { contract, isMethodName, type CallContext, type Handlers, type MethodName } from './contract';
import { AppError } from './errors';

/**
 * Validates a call against the contract and runs its handler. Shared by every host. `context`
 * carries the caller's abort signal and where its chunks go; without one, chunks are dropped and
 * the call cannot be cancelled (fine for in-process callers that do not stream).
 */
export type Dispatch = (method: string, args: unknown, context?: Partial<CallContext>) => Promise<unknown>;

/** Issues named in a BAD_REQUEST message, at most. */
const MAX_ISSUES = 5;

export function createDispatcher(handlers: Handlers): Dispatch {
  return async (method, args, context = {}) => {
    if (!isMethodName(method)) {
      throw new AppError('UNKNOWN_METHOD', `Unknown method "${String(method).slice(0, 100)}".`);
    }
    const schema = contract[method].args as z.ZodType;
    const parsed = schema.safeParse(args ?? {});
    if (!parsed.success) {
      throw new AppError('BAD_REQUEST', `Invalid arguments for ${method}: ${describeIssues(parsed.error)}`);
    }
    const handler = handlers[method] as (a: unknown, c: CallContext) => Promise<unknown>;
    return handler(parsed.data, {
      signal: context.signal ?? new AbortController().signal,
      emit: context.emit ?? (() => {}),
    });
  };
}

/** A short summary of what was wrong: a few issues, each field path and key list clipped. */
function describeIssues(error: z.ZodError): string {
  const shown = error.issues.slice(0, MAX_ISSUES).map((issue) => {
    const path = issue.path.length ? clip(issue.path.join('.'), 80) : '(arguments)';
    return `${path}: ${clip(issue.message, 160)}`;
  });
  const more = error.issues.length - shown.length;
  return shown.join('; ') + (more > 0 ? `; and ${more} more` : '');
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export type { MethodName };
