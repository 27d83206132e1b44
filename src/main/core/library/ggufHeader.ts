/**
 * Hearth's own GGUF header reader. It replaces node-llama-cpp's `readGgufFileInfo` for listing
 * models because a damaged length field made that reader allocate gigabytes or abort the whole
 * process inside `fs.read`. This one reads through one 64 KiB buffer, checks every length and
 * count against the bytes left in the file before using it, keeps only a summary, and turns
 * every problem into a MODEL_UNREADABLE error with a one-line reason.
 *
 * Layout (GGUF v2/v3, little endian): "GGUF", u32 version, u64 tensor count, u64 metadata count,
 * metadata entries, tensor infos, then the data section at the next multiple of
 * `general.alignment` (default 32).
 */
import { EndOfFileError, withBoundedReader, type BoundedReader } from './boundedReader';
import { readMetadataEntries, type GgufMetadataSummary } from './ggufMetadataEntries';
import { checkModelKeys } from './ggufModelKeys';
import { aFileOf, countText, damaged, endsInsideHeader, unreadable } from './ggufProblems';
import { alignUp, checkTensorData, readTensorInfos } from './ggufTensorInfos';

export type { GgufMetadataSummary, GgufScalar } from './ggufMetadataEntries';

/** What Hearth knows about a GGUF file after reading its header. */
export interface GgufHeader {
  /** GGUF format version (2 or 3). */
  version: number;
  /** File size when it was read, in bytes. */
  fileBytes: number;
  tensorCount: number;
  metadata: GgufMetadataSummary;
  /** Values (weights) over all tensors of this file. */
  parameterCount: number;
  /** File offset of the data section, in bytes. */
  dataOffset: number;
}

export interface ReadGgufHeaderOptions {
  /**
   * Default true: require the keys llama.cpp needs to load a model (architecture, block count…).
   * False for parts 2..N of a split model, which carry tensors only.
   */
  requireModelKeys?: boolean;
}

const MAGIC = Buffer.from('GGUF', 'latin1');
const SUPPORTED_VERSIONS = new Set([2, 3]);
/** Bytes a metadata entry takes at least: u64 key length, 1 key byte, u32 type, 1-byte value. */
const MIN_METADATA_ENTRY_BYTES = 8 + 1 + 4 + 1;
/** Bytes a tensor info takes at least: u64 name length, u32 n_dims, one u64 dim, u32 type, u64 offset. */
const MIN_TENSOR_INFO_BYTES = 8 + 4 + 8 + 4 + 8;
/** Far above real models (~100 keys, ~2,000 tensors); bounds the memory of the key and name sets. */
const MAX_METADATA_ENTRIES = 100_000;
const MAX_TENSORS = 200_000;
const DEFAULT_ALIGNMENT = 32;

/** Reads and checks the header of the GGUF file at `path`; throws MODEL_UNREADABLE with the reason. */
export function readGgufHeader(path: string, options: ReadGgufHeaderOptions = {}): Promise<GgufHeader> {
  return withBoundedReader(path, async (reader) => {
    try {
      const header = await readHeader(reader);
      if (options.requireModelKeys ?? true) checkModelKeys(header);
      return header;
    } catch (error) {
      if (error instanceof EndOfFileError) throw endsInsideHeader(reader.size);
      throw error;
    }
  });
}

async function readHeader(reader: BoundedReader): Promise<GgufHeader> {
  const version = await readMagicAndVersion(reader);
  const tensorCount = await reader.u64();
  const metadataCount = await reader.u64();
  checkCounts(reader, tensorCount, metadataCount);
  const metadata = await readMetadataEntries(reader, metadataCount);
  const alignment = readAlignment(metadata);
  const tensors = await readTensorInfos(reader, tensorCount);
  const dataOffset = alignUp(reader.position, alignment);
  const parameterCount = checkTensorData(tensors, dataOffset, reader.size, alignment);
  return { version, fileBytes: reader.size, tensorCount, metadata, parameterCount, dataOffset };
}

async function readMagicAndVersion(reader: BoundedReader): Promise<number> {
  if (reader.size === 0) throw unreadable('empty file (0 bytes)');
  // Enough to recognise a Git LFS pointer ("version https://git-lfs…") as well as the magic.
  const head = await reader.bytes(Math.min(24, reader.size));
  if (!head.subarray(0, 4).equals(MAGIC.subarray(0, Math.min(4, head.length)))) throw notGguf(head);
  if (head.length < 8) throw endsInsideHeader(reader.size);
  reader.position = 4;
  const version = await reader.u32();
  if (SUPPORTED_VERSIONS.has(version)) return version;
  if (SUPPORTED_VERSIONS.has(head.readUInt32BE(4))) {
    throw unreadable('not supported: a big-endian GGUF file (made for another kind of computer); Hearth reads little-endian files');
  }
  throw unreadable(`GGUF version ${countText(version)} is not supported (Hearth reads versions 2 and 3)`);
}

function notGguf(head: Buffer): Error {
  const text = head.toString('latin1');
  if (text.startsWith('version https://git-lfs')) return unreadable('not a GGUF file but a Git LFS pointer: the model itself was never downloaded');
  const start = head.subarray(0, 8);
  const printable = start.every((byte) => byte >= 0x20 && byte <= 0x7e);
  const shown = printable ? `"${start.toString('latin1')}"` : `bytes ${[...start].map((b) => b.toString(16).padStart(2, '0')).join(' ')}`;
  return unreadable(`not a GGUF file (it starts with ${shown})`);
}

/**
 * Rejects counts that could not fit in the rest of the file before looping over them. Counts
 * of a plausible size in a too-short file mean the file was cut off; others are broken fields.
 */
function checkCounts(reader: BoundedReader, tensorCount: number, metadataCount: number): void {
  const plausible = metadataCount <= MAX_METADATA_ENTRIES && tensorCount <= MAX_TENSORS;
  const metadataBytes = metadataCount * MIN_METADATA_ENTRY_BYTES;
  if (metadataBytes + tensorCount * MIN_TENSOR_INFO_BYTES > reader.remaining) {
    if (plausible) throw endsInsideHeader(reader.size);
    const what = metadataBytes > reader.remaining ? `${countText(metadataCount)} metadata entries` : `${countText(tensorCount)} tensors`;
    throw damaged(`the header claims ${what}, more than fit in ${aFileOf(reader.size)}`);
  }
  if (!plausible) {
    throw unreadable(`too large: ${countText(metadataCount)} metadata entries and ${countText(tensorCount)} tensors (Hearth reads up to ${countText(MAX_METADATA_ENTRIES)} and ${countText(MAX_TENSORS)})`);
  }
}

/** `general.alignment`: a u32 power of two when present (llama.cpp refuses anything else). */
function readAlignment(metadata: GgufMetadataSummary): number {
  const entry = metadata.scalars.get('general.alignment');
  if (!entry) return DEFAULT_ALIGNMENT;
  if (entry.type !== 'u32') throw damaged(`'general.alignment' is stored as ${entry.type}; llama.cpp needs u32`);
  const alignment = entry.value as number;
  if (!Number.isInteger(Math.log2(alignment))) throw damaged(`'general.alignment' is ${countText(alignment)}, not a power of two`);
  return alignment;
}
