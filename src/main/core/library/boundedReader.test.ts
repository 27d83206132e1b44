import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { EndOfFileError, READ_CHUNK_BYTES, withBoundedReader } from './boundedReader';

let dir: string;
let path: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-reader-'));
  path = join(dir, 'data.bin');
  // Three chunks and a bit, with a u64 straddling the first chunk boundary.
  const bytes = Buffer.alloc(READ_CHUNK_BYTES * 3 + 10);
  bytes.writeBigUInt64LE(2n ** 40n + 7n, READ_CHUNK_BYTES - 3);
  bytes.writeBigUInt64LE(2n ** 63n, READ_CHUNK_BYTES * 3);
  await writeFile(path, bytes);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

it('reads little-endian fields across chunk boundaries and skips without reading', async () => {
  await withBoundedReader(path, async (reader) => {
    expect(reader.size).toBe(READ_CHUNK_BYTES * 3 + 10);
    reader.position = READ_CHUNK_BYTES - 3;
    expect(await reader.u64()).toBe(2 ** 40 + 7);
    reader.skip(READ_CHUNK_BYTES * 2 - 5);
    expect(reader.position).toBe(READ_CHUNK_BYTES * 3);
    // Above 2^53 the value is rounded, never wrapped or negative.
    expect(await reader.u64()).toBe(2 ** 63);
    expect(reader.remaining).toBe(2);
  });
});

it('refuses to read past the end or more than one chunk at a time', async () => {
  await withBoundedReader(path, async (reader) => {
    reader.position = reader.size - 4;
    await expect(reader.u64()).rejects.toBeInstanceOf(EndOfFileError);
    expect(() => reader.skip(5)).toThrow(EndOfFileError);
    reader.position = 0;
    await expect(reader.bytes(READ_CHUNK_BYTES + 1)).rejects.toBeInstanceOf(RangeError);
  });
});
