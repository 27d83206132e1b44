/**
 * The metadata llama.cpp needs before it will load a file as a model. Checking it while listing
 * means a file that cannot load is shown as unreadable with the reason, instead of being listed
 * as fine and failing later with an internal error.
 */
import type { GgufHeader } from './ggufHeader';
import type { GgufMetadataSummary, GgufValueTypeName } from './ggufMetadataEntries';
import { countText, damaged, quote, unreadable } from './ggufProblems';

/** llama.cpp's LLAMA_MAX_LAYERS: it aborts (not just fails) on a larger block count. */
const MAX_LAYERS = 512;
/** Keys llama.cpp reads with a fixed type; a different stored type makes its loader throw. */
const TYPED_KEYS: ReadonlyArray<readonly [string, GgufValueTypeName]> = [
  ['general.architecture', 'string'],
  ['general.name', 'string'],
  ['general.file_type', 'u32'],
];
/** Tokenizer arrays that llama.cpp indexes by token id, so they must be at least as long as the vocabulary. */
const TOKEN_ARRAYS = ['tokenizer.ggml.scores', 'tokenizer.ggml.token_type'];

/** The string stored under `key`, if it is stored as a string. */
export function textValue(metadata: GgufMetadataSummary, key: string): string | undefined {
  const entry = metadata.scalars.get(key);
  return entry?.type === 'string' ? (entry.value as string) : undefined;
}

/** The number stored under `key` as a u32, if it is. */
export function u32Value(metadata: GgufMetadataSummary, key: string): number | undefined {
  const entry = metadata.scalars.get(key);
  return entry?.type === 'u32' ? (entry.value as number) : undefined;
}

/** Throws MODEL_UNREADABLE when the header lacks what llama.cpp needs to load the model. */
export function checkModelKeys(header: GgufHeader): void {
  const { metadata } = header;
  for (const [key, type] of TYPED_KEYS) {
    const entry = metadata.scalars.get(key);
    if (entry && entry.type !== type) throw damaged(`${quote(key)} is stored as ${entry.type}; llama.cpp needs ${type}`);
  }
  const architecture = textValue(metadata, 'general.architecture');
  if (architecture === undefined) throw unreadable('incomplete: the header has no general.architecture, so llama.cpp cannot tell what model this is');
  if (architecture.trim() === '') throw damaged('general.architecture is empty');
  const kind = textValue(metadata, 'general.type');
  if (kind === 'adapter') throw unreadable('not a model: a LoRA adapter, which is applied on top of a model');
  if (kind === 'mmproj' || architecture === 'clip') throw unreadable('not a model: a vision projector (mmproj) that belongs with a model');

  const required = (name: string): number => {
    const key = `${architecture}.${name}`;
    const entry = metadata.scalars.get(key);
    if (!entry) throw unreadable(`incomplete: the header has no ${quote(key)}, which llama.cpp needs to load the model`);
    if (entry.type !== 'u32') throw damaged(`${quote(key)} is stored as ${entry.type}; llama.cpp needs u32`);
    return entry.value as number;
  };
  if (required('context_length') < 1) throw damaged(`${quote(`${architecture}.context_length`)} is 0`);
  required('embedding_length');
  const layers = required('block_count');
  if (layers < 1 || layers > MAX_LAYERS) {
    throw damaged(`${quote(`${architecture}.block_count`)} is ${countText(layers)}; llama.cpp loads 1 to ${MAX_LAYERS} layers`);
  }
  // A split model's first part may hold few tensors; a whole file holds at least one per layer.
  // (No tensors at all is reported as "no weights" by the caller.)
  const parts = metadata.scalars.get('split.count')?.value;
  if ((typeof parts !== 'number' || parts <= 1) && header.tensorCount > 0 && layers > header.tensorCount) {
    throw damaged(`${quote(`${architecture}.block_count`)} is ${countText(layers)} but the file has only ${countText(header.tensorCount)} tensors`);
  }
  checkTokenArrays(metadata);
}

function checkTokenArrays(metadata: GgufMetadataSummary): void {
  const tokens = metadata.arrayLengths.get('tokenizer.ggml.tokens');
  if (tokens === undefined) return;
  for (const key of TOKEN_ARRAYS) {
    const length = metadata.arrayLengths.get(key);
    // llama.cpp reads one item per token: fewer is out of bounds, more is ignored.
    if (length !== undefined && length < tokens) {
      throw damaged(`${quote(key)} has ${countText(length)} items but the vocabulary has ${countText(tokens)} tokens`);
    }
  }
}
