/**
 * Split GGUF models (`-00001-of-0000N`): each part is a GGUF file with its own header listing only
 * its own tensors, and GgufInsights sizes the weights from the tensor list. Part 1 alone would
 * undercount the model, so every part's header is read (headers only, a few KB to MB each) and the
 * tensor lists are joined the way node-llama-cpp's `spliceSplitFiles` joins local parts.
 */
import type { GgufFileInfo } from 'node-llama-cpp';
import { AppError } from '../../../shared/errors';

/** Parts the first header says the model has (`split.count`), 1 when it says nothing. */
export function declaredPartCount(first: GgufFileInfo): number {
  const count: unknown = (first.metadata as { split?: { count?: unknown } }).split?.count;
  return typeof count === 'number' && Number.isInteger(count) && count > 1 ? count : 1;
}

/** One header for the whole model: part 1's metadata, every part's tensors (tagged with their part number). */
export function spliceParts(parts: GgufFileInfo[]): GgufFileInfo {
  const [first, ...rest] = parts;
  if (!first) throw new AppError('MODEL_UNREADABLE', 'A split model has no parts.');
  if (rest.length === 0) return first;
  const tensors = parts.flatMap((part, index) => (part.fullTensorInfo ?? part.tensorInfo ?? []).map((tensor) => ({ ...tensor, filePart: index + 1 })));
  const expected: unknown = (first.metadata as { split?: { tensors?: { count?: unknown } } }).split?.tensors?.count;
  if (typeof expected === 'number' && expected !== tensors.length) {
    throw new AppError('MODEL_UNREADABLE', `The split model's parts list ${tensors.length} tensors, but its first part says ${expected}.`);
  }
  return {
    ...first,
    splicedParts: parts.length,
    totalTensorCount: tensors.length,
    totalMetadataSize: parts.reduce((sum, part) => sum + part.totalMetadataSize, 0),
    fullTensorInfo: tensors,
  };
}

/** Parameters (weights, not bytes): the element count of every tensor. */
export function parameterCount(info: GgufFileInfo): number {
  let total = 0;
  for (const tensor of info.fullTensorInfo ?? info.tensorInfo ?? []) total += tensor.dimensions.reduce<number>((product, d) => product * Number(d), 1);
  return total;
}
