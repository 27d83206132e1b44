import type { IncomingMessage } from 'node:http';
import { ApiError, badRequest } from './openaiErrors';

/** Largest request body accepted, in bytes: a long conversation fits; anything bigger is a mistake or abuse. */
export const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;
/** Of a refused body, how much is read and discarded so the client can read the 413, in multiples of the limit. */
const DRAIN_FACTOR = 4;

/**
 * Reads and parses a JSON request body of at most `maxBytes`. Too large → 413 (decided from
 * `Content-Length` before reading when the client sends one); not JSON, or not a JSON object → 400
 * with where it broke.
 */
export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<Record<string, unknown>> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(req, maxBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw tooLarge(req, maxBytes);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw badRequest('The request body is empty; send a JSON object.', null, 'invalid_json');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    // JSON.parse says where it broke ("Unexpected token } in JSON at position 41"), which is what a person needs.
    const detail = error instanceof Error ? error.message.slice(0, 200) : 'parse error';
    throw badRequest(`The request body is not valid JSON: ${detail}.`, null, 'invalid_json');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw badRequest('The request body must be a JSON object.', null, 'invalid_json');
  }
  return value as Record<string, unknown>;
}

/**
 * The 413 for a body over the limit. The rest of the body is read and dropped (up to a bound) so
 * the client, still sending, gets to read the answer instead of a reset connection.
 */
function tooLarge(req: IncomingMessage, maxBytes: number): ApiError {
  let drained = 0;
  req.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > maxBytes * DRAIN_FACTOR) req.socket.destroy();
  });
  req.resume();
  return new ApiError(
    413,
    'invalid_request_error',
    `The request body is larger than ${Math.round(maxBytes / 1024 / 1024)} MB, the most this server accepts.`,
    null,
    'request_too_large',
    undefined,
    'BAD_REQUEST',
  );
}
