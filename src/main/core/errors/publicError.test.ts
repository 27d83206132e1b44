import { describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors';
import type { Logger } from '../logging/logger';
import { toPublicError } from './publicError';

function recordingLogger() {
  const lines: Array<{ message: string; fields?: Record<string, unknown> }> = [];
  const log = (message: string, fields?: Record<string, unknown>) => lines.push({ message, fields });
  const logger: Logger = { debug: log, info: log, warn: log, error: log };
  return { logger, lines };
}

describe('toPublicError', () => {
  it("passes Hearth's own errors through, clipped to a summary, without logging", () => {
    const { logger, lines } = recordingLogger();
    expect(toPublicError(new AppError('BUSY', 'Busy.', { retryAfterMs: 2000 }), logger, 'inference.chat')).toEqual({ code: 'BUSY', message: 'Busy.', retryAfterMs: 2000 });
    expect(toPublicError(new AppError('BAD_REQUEST', 'x'.repeat(50_000)), logger, 'x').message.length).toBeLessThanOrEqual(1_000);
    expect(lines).toEqual([]);
  });

  it('turns an internal failure into a sentence for people and puts the raw text in the log', () => {
    const { logger, lines } = recordingLogger();
    const shape = toPublicError(new TypeError("Cannot read properties of undefined (reading 'architecture')"), logger, 'inference.loadModel');
    expect(shape.code).toBe('INTERNAL');
    expect(shape.message).not.toContain('undefined');
    expect(shape.message).toContain("Hearth's log");
    expect(JSON.stringify(lines)).toContain("reading 'architecture'");
  });

  it('says what a system error means', () => {
    const { logger } = recordingLogger();
    const error = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    expect(toPublicError(error, logger, 'library.listModels').message).toBe('Hearth could not finish library.listModels: the disk is full.');
  });
});
