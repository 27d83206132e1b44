import { AppError, isErrorShape, MAX_ERROR_MESSAGE, toErrorShape, type ErrorShape } from '../../../shared/errors';
import type { Logger } from '../logging/logger';

/** System error codes people can act on, in their words. */
const SYSTEM_MESSAGES: Record<string, string> = {
  ENOENT: 'a file or folder Hearth needs is missing',
  EACCES: 'Hearth is not allowed to read or write a file it needs (permission denied)',
  EPERM: 'Hearth is not allowed to read or write a file it needs (permission denied)',
  ENOSPC: 'the disk is full',
  EMFILE: 'too many files are open; close some programs and try again',
  EROFS: 'the folder is on a read-only disk',
};

/**
 * The one mapping from anything thrown inside Hearth to what a caller sees: Hearth's own errors
 * pass through (messages clipped to a summary); a system error becomes a sentence with what to do;
 * anything else — an internal failure whose raw text means nothing to a person ("Cannot read
 * properties of undefined …") — becomes INTERNAL with a pointer to the log, and the raw text and
 * stack go to the log.
 */
export function toPublicError(error: unknown, logger: Logger, context: string): ErrorShape {
  if (error instanceof AppError || isErrorShape(error)) return toErrorShape(error);
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const raw = error instanceof Error ? error.message : String(error);
  logger.error(`${context} failed`, { error: raw.slice(0, MAX_ERROR_MESSAGE * 4), stack: error instanceof Error ? error.stack : undefined });
  if (code && SYSTEM_MESSAGES[code]) {
    return { code: 'INTERNAL', message: `Hearth could not finish ${context}: ${SYSTEM_MESSAGES[code]}.` };
  }
  return { code: 'INTERNAL', message: `Something went wrong inside Hearth during ${context}. The details are in Hearth's log; please report them.` };
}
