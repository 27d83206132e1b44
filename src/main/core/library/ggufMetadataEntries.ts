/**
 * The metadata (key/value) section of a GGUF header, read for a summary only: numbers and
 * booleans are kept, strings only for the few keys Hearth shows, and arrays (the tokenizer's
 * 150k-string vocabularies) are walked and counted without keeping any item. Every length and
 * count is checked against the bytes left in the file before anything is read.
 */
import type { BoundedReader } from './boundedReader';
import { aFileOf, countText, damaged, quote, sizeText } from './ggufProblems';
import { readStringLength } from './ggufStrings';
import { itemWhat, MAX_CHECKED_TOKENS, VOCABULARY_KEY, walkVocabulary } from './ggufVocabulary';

/** GGUF metadata value type ids (GGUF spec). */
export const GgufValueType = { u8: 0, i8: 1, u16: 2, i16: 3, u32: 4, i32: 5, f32: 6, bool: 7, string: 8, array: 9, u64: 10, i64: 11, f64: 12 } as const;
export type GgufValueTypeName = keyof typeof GgufValueType;

/** A kept metadata value with the type it was stored as (llama.cpp checks types strictly). */
export interface GgufScalar {
  type: GgufValueTypeName;
  value: number | boolean | string;
}

/** What the metadata section says, minus everything Hearth does not show. */
export interface GgufMetadataSummary {
  /** Numbers, booleans and the kept strings, by key. 64-bit integers above 2^53 are rounded. */
  scalars: Map<string, GgufScalar>;
  /** Item counts of array values, by key. */
  arrayLengths: Map<string, number>;
}

interface ScalarCodec {
  name: GgufValueTypeName;
  bytes: number;
  decode: (buffer: Buffer, offset: number) => number | boolean;
}

const codec = (name: GgufValueTypeName, bytes: number, decode: ScalarCodec['decode']): [number, ScalarCodec] => [
  GgufValueType[name],
  { name, bytes, decode },
];

const SCALARS: ReadonlyMap<number, ScalarCodec> = new Map([
  codec('u8', 1, (b, o) => b.readUInt8(o)),
  codec('i8', 1, (b, o) => b.readInt8(o)),
  codec('u16', 2, (b, o) => b.readUInt16LE(o)),
  codec('i16', 2, (b, o) => b.readInt16LE(o)),
  codec('u32', 4, (b, o) => b.readUInt32LE(o)),
  codec('i32', 4, (b, o) => b.readInt32LE(o)),
  codec('f32', 4, (b, o) => b.readFloatLE(o)),
  codec('bool', 1, (b, o) => b.readUInt8(o) !== 0),
  codec('u64', 8, (b, o) => Number(b.readBigUInt64LE(o))),
  codec('i64', 8, (b, o) => Number(b.readBigInt64LE(o))),
  codec('f64', 8, (b, o) => b.readDoubleLE(o)),
]);

/** Bytes a string takes at least: its u64 length. */
const STRING_MIN_BYTES = 8;
/** The GGUF spec limits keys to 2^16 − 1 bytes. */
const MAX_KEY_BYTES = 65_535;
/** llama.cpp refuses arrays with more items (GGUF_MAX_ARRAY_ELEMENTS). */
const LLAMA_MAX_ARRAY_ITEMS = 2 ** 30;
/** Longest kept string value, in bytes; longer ones are skipped like any other string. */
const MAX_KEPT_STRING_BYTES = 64 * 1024;
/** String values Hearth shows or checks; all other strings (chat templates…) are skipped. */
const KEPT_STRINGS = new Set(['general.architecture', 'general.name', 'general.type', 'general.license', 'general.license.name']);

const utf8 = new TextDecoder('utf-8', { fatal: true });
const lenientUtf8 = new TextDecoder('utf-8');

/** Reads `count` metadata entries from the reader's position. */
export async function readMetadataEntries(reader: BoundedReader, count: number): Promise<GgufMetadataSummary> {
  const summary: GgufMetadataSummary = { scalars: new Map(), arrayLengths: new Map() };
  const seen = new Set<string>();
  for (let index = 0; index < count; index++) {
    const key = await readKey(reader, index);
    if (seen.has(key)) throw damaged(`the metadata key ${quote(key)} appears twice`);
    seen.add(key);
    const type = await reader.u32();
    const scalar = SCALARS.get(type);
    if (scalar) {
      summary.scalars.set(key, { type: scalar.name, value: await reader.scalar(scalar.bytes, scalar.decode) });
    } else if (type === GgufValueType.string) {
      const value = await readStringValue(reader, key, KEPT_STRINGS.has(key));
      if (value !== undefined) summary.scalars.set(key, { type: 'string', value });
    } else if (type === GgufValueType.array) {
      summary.arrayLengths.set(key, await skipArray(reader, key));
    } else {
      throw damaged(`the metadata ${quote(key)} has an unknown value type (${type})`);
    }
  }
  return summary;
}

async function readKey(reader: BoundedReader, index: number): Promise<string> {
  const what = `the key of metadata entry ${index + 1}`;
  const length = await readStringLength(reader, () => what);
  if (length === 0) throw damaged(`${what} is empty`);
  if (length > MAX_KEY_BYTES) throw damaged(`${what} is ${sizeText(length)} long (GGUF allows ${countText(MAX_KEY_BYTES)} bytes)`);
  try {
    return utf8.decode(await reader.bytes(length));
  } catch (error) {
    if (error instanceof TypeError) throw damaged(`${what} is not valid UTF-8 text`);
    throw error;
  }
}

/** Reads a string value when `keep` (and it is short enough), else skips it; undefined when skipped. */
async function readStringValue(reader: BoundedReader, key: string, keep: boolean): Promise<string | undefined> {
  const length = await readStringLength(reader, () => `the text of ${quote(key)}`);
  if (keep && length <= MAX_KEPT_STRING_BYTES) return lenientUtf8.decode(await reader.bytes(length));
  reader.skip(length);
  return undefined;
}

/** Walks an array value without keeping its items; returns the item count. */
async function skipArray(reader: BoundedReader, key: string): Promise<number> {
  const itemType = await reader.u32();
  if (itemType === GgufValueType.array) throw damaged(`${quote(key)} is an array of arrays, which llama.cpp cannot read`);
  const itemBytes = itemType === GgufValueType.string ? STRING_MIN_BYTES : SCALARS.get(itemType)?.bytes;
  if (itemBytes === undefined) throw damaged(`the array ${quote(key)} has an unknown item type (${itemType})`);
  const count = await reader.u64();
  if (count * itemBytes > reader.remaining) {
    if (count * itemBytes > reader.size) {
      throw damaged(`the array ${quote(key)} claims ${countText(count)} items, more than fit in ${aFileOf(reader.size)}`);
    }
    throw damaged(`the array ${quote(key)} (${countText(count)} items) runs past the end of the file`);
  }
  if (count > LLAMA_MAX_ARRAY_ITEMS) throw damaged(`the array ${quote(key)} has ${countText(count)} items (llama.cpp reads at most 2^30)`);
  if (itemType !== GgufValueType.string) {
    reader.skip(count * itemBytes);
  } else if (key === VOCABULARY_KEY && count <= MAX_CHECKED_TOKENS) {
    await walkVocabulary(reader, key, count);
  } else {
    for (let item = 0; item < count; item++) reader.skip(await readStringLength(reader, () => itemWhat(item, key)));
  }
  return count;
}
