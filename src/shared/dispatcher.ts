import { z } from 'zod';
import { contract, isMethodName, type Handlers, type MethodName } from './contract';
import { AppError } from './errors';

/** Validates a call against the contract and runs its handler. Shared by every host. */
export type Dispatch = (method: string, args: unknown) => Promise<unknown>;

export function createDispatcher(handlers: Handlers): Dispatch {
  return async (method, args) => {
    if (!isMethodName(method)) {
      throw new AppError('UNKNOWN_METHOD', `Unknown method "${String(method).slice(0, 100)}".`);
    }
    const schema = contract[method].args as z.ZodType;
    const parsed = schema.safeParse(args ?? {});
    if (!parsed.success) {
      throw new AppError('BAD_REQUEST', `Invalid arguments for ${method}: ${describeIssues(parsed.error)}`);
    }
    const handler = handlers[method] as (a: unknown) => Promise<unknown>;
    return handler(parsed.data);
  };
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(arguments)'}: ${issue.message}`)
    .join('; ');
}

export type { MethodName };
