/**
 * Checks a parsed GGUF header before it is estimated, so bad input becomes one clear
 * `MODEL_UNREADABLE` line instead of a TypeError from deep inside node-llama-cpp.
 */
import { GgmlType, GgufFileType, type GgufFileInfo, type GgufInsights } from 'node-llama-cpp';
import { AppError } from '../../../shared/errors';

function unreadable(reason: string): AppError {
  return new AppError('MODEL_UNREADABLE', `Cannot estimate this model's memory: ${reason}.`);
}

/**
 * The header as the estimator needs it, or a `MODEL_UNREADABLE` error. Refuses what llama.cpp
 * itself would refuse to load (no layer count, no attention shape) rather than guessing: a label
 * for a file that cannot load would be a false promise. A missing `context_length` is accepted:
 * the caller already chose the context size, and no estimate reads it.
 */
export function checkedFileInfo(fileInfo: GgufFileInfo): GgufFileInfo {
  // Typed as a known architecture, but it is whatever string the file holds (or nothing).
  const architecture: unknown = fileInfo?.metadata?.general?.architecture;
  if (typeof architecture !== 'string' || architecture === '') throw unreadable('the file does not name its architecture (general.architecture)');
  const tensors = fileInfo.fullTensorInfo ?? fileInfo.tensorInfo;
  if (!tensors || tensors.length === 0) throw unreadable('the file lists no tensors, so the size of its weights is unknown');
  const meta = fileInfo.architectureMetadata;
  if (!meta || !isPositiveInteger(meta.block_count)) {
    throw unreadable(`the file lacks ${architecture}.block_count (its layer count), which llama.cpp needs to load it`);
  }
  return withVocabularySize({ ...fileInfo, fullTensorInfo: tensors });
}

/** Attention shape checks that need the insights (recurrent models have no attention heads). */
export function checkInsights(insights: GgufInsights, fileInfo: GgufFileInfo): void {
  const architecture = fileInfo.metadata.general.architecture;
  if (!insights.isSupportedByLlamaCpp) {
    throw unreadable(`the architecture "${architecture}" is not supported by the bundled llama.cpp (a newer Hearth may run it)`);
  }
  if (insights.isRecurrent) return;
  const meta = fileInfo.architectureMetadata;
  if (!isPositiveInteger(meta.embedding_length)) throw unreadable(`the file lacks ${architecture}.embedding_length, which llama.cpp needs to load it`);
  const heads = meta.attention?.head_count;
  const hasHeads = Array.isArray(heads) ? heads.some((count) => count > 0) : isPositiveInteger(heads);
  if (!hasHeads) throw unreadable(`the file lacks ${architecture}.attention.head_count, so its context memory cannot be computed`);
}

/**
 * node-llama-cpp sizes the logits buffer (vocabulary × batch × 4 bytes, ~300 MB for a 150k
 * vocabulary) from `<arch>.vocab_size`, else from the token list. Many files (Qwen2, SmolLM)
 * have no `vocab_size`, and callers skip the token list when parsing headers because it is the
 * largest part of them; the embedding matrix has the vocabulary as its second dimension, so the
 * estimate does not depend on which keys were read.
 */
function withVocabularySize(fileInfo: GgufFileInfo): GgufFileInfo {
  const meta = fileInfo.architectureMetadata;
  if (isPositiveInteger(meta.vocab_size) || (fileInfo.metadata.tokenizer?.ggml?.tokens?.length ?? 0) > 0) return fileInfo;
  const embeddings = fileInfo.fullTensorInfo?.find((t) => t.name === 'token_embd.weight' || t.name === 'output.weight');
  const vocabulary = embeddings && embeddings.dimensions.length >= 2 ? Number(embeddings.dimensions[1]) : 0;
  if (!isPositiveInteger(vocabulary)) return fileInfo;
  return { ...fileInfo, architectureMetadata: { ...meta, vocab_size: vocabulary } };
}

/** "Q4_K_M" from `general.file_type`, else the most common tensor type ("Q8_0"), else "model". */
export function quantizationName(fileInfo: GgufFileInfo, insights: GgufInsights): string {
  const fileType = fileInfo.metadata.general.file_type;
  const fromFileType = fileType !== undefined ? GgufFileType[fileType] : undefined;
  if (fromFileType) return fromFileType.replace(/^(MOSTLY|ALL)_/, '');
  const dominant = insights.dominantTensorType;
  return dominant !== undefined ? (GgmlType[dominant] ?? 'model') : 'model';
}

function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}
