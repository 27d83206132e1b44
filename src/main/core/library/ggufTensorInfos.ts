/**
 * The tensor-info section of a GGUF header and the check that every tensor's data lies inside
 * the file where llama.cpp expects it. Only name, size and offset of each tensor are kept.
 */
import type { BoundedReader } from './boundedReader';
import { ggmlTypeLayout } from './ggmlTypes';
import { claimsTooMuch, countText, damaged, quote, sizeText, unreadable } from './ggufProblems';

/** Where one tensor's data is, relative to the start of the data section, in bytes. */
export interface TensorExtent {
  name: string;
  /** Offset from the start of the data section, in bytes, as the file states it. */
  offset: number;
  /** Encoded size of the data, in bytes (without alignment padding). */
  bytes: number;
  /** Number of values (weights) in the tensor. */
  elements: number;
}

/** llama.cpp's GGML_MAX_DIMS. */
const MAX_DIMS = 4;
/** llama.cpp's GGML_MAX_NAME: names are stored in a 64-byte field with a terminating zero. */
const MAX_NAME_BYTES = 63;

const lenientUtf8 = new TextDecoder('utf-8');

/** Reads `count` tensor infos from the reader's position. */
export async function readTensorInfos(reader: BoundedReader, count: number): Promise<TensorExtent[]> {
  const tensors: TensorExtent[] = [];
  const names = new Set<string>();
  for (let index = 0; index < count; index++) {
    const name = await readTensorName(reader, index);
    if (names.has(name)) throw damaged(`the tensor name ${quote(name)} appears twice`);
    names.add(name);
    const dimCount = await reader.u32();
    if (dimCount < 1 || dimCount > MAX_DIMS) throw damaged(`tensor ${quote(name)} has ${countText(dimCount)} dimensions (1 to ${MAX_DIMS} are possible)`);
    const dims: number[] = [];
    for (let d = 0; d < dimCount; d++) dims.push(await reader.u64());
    if (dims.some((dim) => dim === 0)) throw damaged(`tensor ${quote(name)} has a dimension of size 0`);
    const typeId = await reader.u32();
    const layout = ggmlTypeLayout(typeId);
    if (!layout) throw damaged(`tensor ${quote(name)} has an unknown type (${countText(typeId)})`);
    if ('removed' in layout) {
      throw unreadable(`outdated: tensor ${quote(name)} uses type ${layout.removed}, which llama.cpp no longer reads; get a newer file`);
    }
    const rowValues = dims[0]!;
    if (rowValues % layout.blockValues !== 0) {
      throw damaged(`tensor ${quote(name)} has rows of ${countText(rowValues)} values, not a multiple of the ${layout.name} block (${layout.blockValues})`);
    }
    // Rounded above 2^53, which only happens for sizes far beyond any file: the extent check rejects those.
    const elements = dims.reduce((product, dim) => product * dim, 1);
    const offset = await reader.u64();
    tensors.push({ name, offset, bytes: (elements / layout.blockValues) * layout.blockBytes, elements });
  }
  return tensors;
}

async function readTensorName(reader: BoundedReader, index: number): Promise<string> {
  const what = `the name of tensor ${index + 1}`;
  const length = await reader.u64();
  if (length > reader.remaining) throw claimsTooMuch(what, length, reader.remaining, reader.size);
  if (length > MAX_NAME_BYTES) throw damaged(`${what} is ${sizeText(length)} long (llama.cpp allows ${MAX_NAME_BYTES} bytes)`);
  return lenientUtf8.decode(await reader.bytes(length));
}

/** `value` rounded up to a multiple of `alignment` (a power of two), in bytes. */
export function alignUp(value: number, alignment: number): number {
  return Math.ceil(value / alignment) * alignment;
}

/**
 * Checks that each tensor's data lies inside the file and starts exactly where the previous
 * tensor's (aligned) data ends, as llama.cpp requires.
 * @param dataOffset file offset of the data section, in bytes.
 * @returns the number of values over all tensors.
 */
export function checkTensorData(tensors: readonly TensorExtent[], dataOffset: number, fileBytes: number, alignment: number): number {
  const dataBytes = fileBytes - dataOffset;
  let expected = 0;
  let parameterCount = 0;
  for (const tensor of tensors) {
    if (tensor.offset + tensor.bytes > dataBytes) {
      if (tensor.offset === expected) {
        const needed = dataOffset + tensor.offset + tensor.bytes;
        throw damaged(`the file ends inside the data of tensor ${quote(tensor.name)} (cut short? it has ${sizeText(fileBytes)}, needs ${sizeText(needed)})`);
      }
      throw damaged(`tensor ${quote(tensor.name)} data lies past the end of the file`);
    }
    if (tensor.offset !== expected) {
      throw damaged(`tensor ${quote(tensor.name)} data starts at byte ${countText(tensor.offset)} of the data section, not at ${countText(expected)}`);
    }
    expected += alignUp(tensor.bytes, alignment);
    parameterCount += tensor.elements;
  }
  return parameterCount;
}
