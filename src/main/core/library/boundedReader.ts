import { open, type FileHandle } from 'node:fs/promises';

/** Bytes read from disk at a time, and the most one read call may ask for. */
export const READ_CHUNK_BYTES = 64 * 1024;

/** Thrown when a read would go past the end of the file; the header reader words the message. */
export class EndOfFileError extends Error {
  constructor() {
    super('unexpected end of file');
    this.name = 'EndOfFileError';
  }
}

/**
 * Sequential little-endian reader over one file with a single fixed buffer of
 * {@link READ_CHUNK_BYTES}. Every read is for a length the caller has already checked, and never
 * longer than one chunk, so a damaged length field can neither make Node allocate a huge buffer
 * nor pass `fs.read` a length it rejects (which aborts the process instead of throwing).
 * Skipping moves the position without reading, so skipped strings and arrays cost no memory.
 */
export class BoundedReader {
  private readonly buffer = Buffer.alloc(READ_CHUNK_BYTES);
  /** File offset of `buffer[0]`, in bytes. */
  private bufferStart = 0;
  /** Valid bytes in `buffer`. */
  private bufferLength = 0;
  /** Offset of the next byte to read, in bytes from the start of the file. */
  position = 0;

  private constructor(
    private readonly handle: FileHandle,
    /** File size in bytes when it was opened. */
    readonly size: number,
  ) {}

  /** Opens `path`; call {@link close} when done (see {@link withBoundedReader}). */
  static async open(path: string): Promise<BoundedReader> {
    const handle = await open(path, 'r');
    try {
      return new BoundedReader(handle, (await handle.stat()).size);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  close(): Promise<void> {
    return this.handle.close();
  }

  /** Bytes between the position and the end of the file. */
  get remaining(): number {
    return Math.max(0, this.size - this.position);
  }

  /** Makes `count` (≤ one chunk) bytes from the position available in the buffer. */
  private async fill(count: number): Promise<number> {
    if (count > READ_CHUNK_BYTES) throw new RangeError(`read of ${count} bytes exceeds the ${READ_CHUNK_BYTES}-byte chunk`);
    if (count > this.remaining) throw new EndOfFileError();
    const offset = this.position - this.bufferStart;
    if (offset >= 0 && offset + count <= this.bufferLength) return offset;
    const wanted = Math.min(READ_CHUNK_BYTES, this.remaining);
    let got = 0;
    while (got < wanted) {
      const { bytesRead } = await this.handle.read(this.buffer, got, wanted - got, this.position + got);
      if (bytesRead === 0) break; // the file shrank while we read it
      got += bytesRead;
    }
    this.bufferStart = this.position;
    this.bufferLength = got;
    if (got < count) throw new EndOfFileError();
    return 0;
  }

  async u8(): Promise<number> {
    const at = await this.fill(1);
    this.position += 1;
    return this.buffer[at]!;
  }

  async u32(): Promise<number> {
    const at = await this.fill(4);
    this.position += 4;
    return this.buffer.readUInt32LE(at);
  }

  /**
   * An unsigned 64-bit field as a JS number. Exact up to 2^53; above that it is rounded, which
   * is harmless because every such value is only compared with file sizes (all far below 2^53).
   */
  async u64(): Promise<number> {
    const at = await this.fill(8);
    this.position += 8;
    return this.buffer.readUInt32LE(at + 4) * 2 ** 32 + this.buffer.readUInt32LE(at);
  }

  /** Reads a scalar of `bytes` (1, 2, 4 or 8) and decodes it with `decode` at its buffer offset. */
  async scalar<T>(bytes: number, decode: (buffer: Buffer, offset: number) => T): Promise<T> {
    const at = await this.fill(bytes);
    this.position += bytes;
    return decode(this.buffer, at);
  }

  /** A copy of the next `count` (≤ one chunk) bytes. */
  async bytes(count: number): Promise<Buffer> {
    const at = await this.fill(count);
    this.position += count;
    return Buffer.from(this.buffer.subarray(at, at + count));
  }

  /**
   * Passes the next `count` (≤ one chunk) bytes to `use` as a view into the read buffer, without
   * copying, then moves past them. The view is only valid during the call.
   */
  async visit<T>(count: number, use: (buffer: Buffer, start: number, end: number) => T): Promise<T> {
    const at = await this.fill(count);
    this.position += count;
    return use(this.buffer, at, at + count);
  }

  /** Moves past `count` bytes without reading them. */
  skip(count: number): void {
    if (count > this.remaining) throw new EndOfFileError();
    this.position += count;
  }
}

/** Runs `use` with an open reader and always closes the file. */
export async function withBoundedReader<T>(path: string, use: (reader: BoundedReader) => Promise<T>): Promise<T> {
  const reader = await BoundedReader.open(path);
  try {
    return await use(reader);
  } finally {
    await reader.close();
  }
}
