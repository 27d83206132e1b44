/**
 * Test helper: `GgufFileInfo` headers of real model shapes, with the tensor list and per-tensor
 * quantization types a real llama.cpp quantization would write, and no weights at all. Lets
 * tests estimate 70B models on a laptop without downloading anything.
 *
 * The quantization mixes follow llama.cpp's rules for choosing a tensor's type (our reading of
 * `llama_tensor_get_type` in src/llama-quant.cpp, reimplemented for the types used here).
 */
import { GgmlType, GgufFileType, type GgufFileInfo, type GgufTensorInfo } from 'node-llama-cpp';

/** Hyper-parameters of a transformer, as its GGUF metadata states them. */
export interface ModelShape {
  /** `general.name`. */
  name: string;
  architecture: 'llama' | 'qwen2';
  blockCount: number;
  embeddingLength: number;
  headCount: number;
  headCountKv: number;
  feedForwardLength: number;
  vocabSize: number;
  contextLength: number;
  /** Whether the file has its own `output.weight` (else the output reuses `token_embd`). */
  outputWeight: boolean;
  /** q/k/v projections with biases (Qwen2). */
  attentionBias: boolean;
  /** Writes `<arch>.vocab_size` (Llama 3 files do, Qwen2 files do not). */
  vocabSizeKey: boolean;
  /** llama.cpp's 70B rule: attn_v (8× smaller than attn_q under GQA) gets Q5_K instead of Q3_K/Q4_K. */
  boostAttnV?: boolean;
}

export const MODEL_SHAPES = {
  'llama-3.1-8b': {
    name: 'Meta Llama 3.1 8B Instruct', architecture: 'llama', blockCount: 32, embeddingLength: 4096, headCount: 32, headCountKv: 8,
    feedForwardLength: 14336, vocabSize: 128256, contextLength: 131072, outputWeight: true, attentionBias: false, vocabSizeKey: true,
  },
  'llama-3.1-70b': {
    name: 'Meta Llama 3.1 70B Instruct', architecture: 'llama', blockCount: 80, embeddingLength: 8192, headCount: 64, headCountKv: 8,
    feedForwardLength: 28672, vocabSize: 128256, contextLength: 131072, outputWeight: true, attentionBias: false, vocabSizeKey: true, boostAttnV: true,
  },
  'qwen2.5-7b': {
    name: 'Qwen2.5 7B Instruct', architecture: 'qwen2', blockCount: 28, embeddingLength: 3584, headCount: 28, headCountKv: 4,
    feedForwardLength: 18944, vocabSize: 152064, contextLength: 32768, outputWeight: true, attentionBias: true, vocabSizeKey: false,
  },
  // The model ties its output to the embeddings, yet Qwen's published GGUFs carry a separate
  // output.weight: only with it do their file sizes come out (463 / 615 / 390 MiB for Q4_K_M /
  // Q6_K / Q2_K). Use `{ ...MODEL_SHAPES['qwen2.5-0.5b'], outputWeight: false }` for a tied file.
  'qwen2.5-0.5b': {
    name: 'Qwen2.5 0.5B Instruct', architecture: 'qwen2', blockCount: 24, embeddingLength: 896, headCount: 14, headCountKv: 2,
    feedForwardLength: 4864, vocabSize: 151936, contextLength: 32768, outputWeight: true, attentionBias: true, vocabSizeKey: false,
  },
} satisfies Record<string, ModelShape>;

export type ModelShapeName = keyof typeof MODEL_SHAPES;

/** Quantizations the builder can lay out (llama.cpp `--type` names). */
export type QuantMix = 'Q2_K' | 'Q4_K_M' | 'Q6_K' | 'Q8_0' | 'F16';
export const QUANT_MIXES: readonly QuantMix[] = ['Q2_K', 'Q4_K_M', 'Q6_K', 'Q8_0', 'F16'];

const FILE_TYPES: Record<QuantMix, GgufFileType> = {
  Q2_K: GgufFileType.MOSTLY_Q2_K, Q4_K_M: GgufFileType.MOSTLY_Q4_K_M, Q6_K: GgufFileType.MOSTLY_Q6_K,
  Q8_0: GgufFileType.MOSTLY_Q8_0, F16: GgufFileType.MOSTLY_F16,
};

/** Elements per block and bytes per block of each ggml type used here (ggml-common.h layouts). */
const BLOCKS: Partial<Record<GgmlType, [elements: number, bytes: number]>> = {
  [GgmlType.F32]: [1, 4], [GgmlType.F16]: [1, 2], [GgmlType.Q8_0]: [32, 34], [GgmlType.Q5_0]: [32, 22],
  [GgmlType.Q5_1]: [32, 24], [GgmlType.IQ4_NL]: [32, 18], [GgmlType.Q2_K]: [256, 84], [GgmlType.Q3_K]: [256, 110],
  [GgmlType.Q4_K]: [256, 144], [GgmlType.Q5_K]: [256, 176], [GgmlType.Q6_K]: [256, 210],
};

/** Bytes of a tensor of `elements` values stored as `type`. */
export function tensorBytes(type: GgmlType, elements: number): number {
  const [perBlock, bytes] = BLOCKS[type] ?? [1, 4];
  return (elements / perBlock) * bytes;
}

/** llama.cpp gives extra bits to the first and last eighth of the layers and every third between. */
function useMoreBits(layer: number, layers: number): boolean {
  return layer < layers / 8 || layer >= (7 * layers) / 8 || (layer - Math.floor(layers / 8)) % 3 === 2;
}

/** k-quants need rows in multiples of 256; llama.cpp falls back to a 32-block type of similar size. */
const ROW_FALLBACK: Partial<Record<GgmlType, GgmlType>> = {
  [GgmlType.Q2_K]: GgmlType.IQ4_NL, [GgmlType.Q3_K]: GgmlType.IQ4_NL, [GgmlType.Q4_K]: GgmlType.Q5_0,
  [GgmlType.Q5_K]: GgmlType.Q5_1, [GgmlType.Q6_K]: GgmlType.Q8_0,
};

const BASE_TYPE: Record<QuantMix, GgmlType> = {
  Q2_K: GgmlType.Q2_K, Q4_K_M: GgmlType.Q4_K, Q6_K: GgmlType.Q6_K, Q8_0: GgmlType.Q8_0, F16: GgmlType.F16,
};

/** The type llama.cpp would store a 2-D tensor as, for `mix`. `layer` is the block index, if any. */
function matrixType(shape: ModelShape, mix: QuantMix, role: string, layer: number, rowLength: number): GgmlType {
  let type = BASE_TYPE[mix];
  const isOutput = role === 'output' || (role === 'token_embd' && !shape.outputWeight);
  if (mix === 'Q8_0' || mix === 'F16') return type;
  if (isOutput) return rowLength % 256 === 0 ? GgmlType.Q6_K : GgmlType.Q8_0;
  if (role === 'attn_v') {
    if (mix === 'Q2_K') type = shape.headCount / shape.headCountKv >= 4 ? GgmlType.Q4_K : GgmlType.Q3_K;
    else if (mix === 'Q4_K_M' && useMoreBits(layer, shape.blockCount)) type = GgmlType.Q6_K;
    if (shape.boostAttnV && (type === GgmlType.Q3_K || type === GgmlType.Q4_K)) type = GgmlType.Q5_K;
  } else if (role === 'ffn_down') {
    if (mix === 'Q2_K') type = GgmlType.Q3_K;
    else if (mix === 'Q4_K_M' && useMoreBits(layer, shape.blockCount)) type = GgmlType.Q6_K;
  } else if (role === 'attn_output' && mix === 'Q2_K') {
    type = GgmlType.Q3_K;
  }
  return rowLength % 256 === 0 ? type : (ROW_FALLBACK[type] ?? type);
}

interface PlannedTensor {
  name: string;
  /** ggml order: row length first. */
  dimensions: number[];
  role: string;
  layer: number;
}

function planTensors(shape: ModelShape): PlannedTensor[] {
  const { embeddingLength: embd, feedForwardLength: ff, vocabSize: vocab } = shape;
  const kvWidth = (embd / shape.headCount) * shape.headCountKv;
  const planned: PlannedTensor[] = [{ name: 'token_embd.weight', dimensions: [embd, vocab], role: 'token_embd', layer: -1 }];
  for (let layer = 0; layer < shape.blockCount; layer++) {
    const add = (role: string, dimensions: number[], suffix = 'weight') => planned.push({ name: `blk.${layer}.${role}.${suffix}`, dimensions, role, layer });
    add('attn_norm', [embd]);
    add('attn_q', [embd, embd]);
    add('attn_k', [embd, kvWidth]);
    add('attn_v', [embd, kvWidth]);
    if (shape.attentionBias) {
      add('attn_q', [embd], 'bias');
      add('attn_k', [kvWidth], 'bias');
      add('attn_v', [kvWidth], 'bias');
    }
    add('attn_output', [embd, embd]);
    add('ffn_norm', [embd]);
    add('ffn_gate', [embd, ff]);
    add('ffn_up', [embd, ff]);
    add('ffn_down', [ff, embd]);
  }
  planned.push({ name: 'output_norm.weight', dimensions: [embd], role: 'output_norm', layer: -1 });
  if (shape.outputWeight) planned.push({ name: 'output.weight', dimensions: [embd, vocab], role: 'output', layer: -1 });
  return planned;
}

/** Where tensor data starts in the file: a header with a 150k-token vocabulary is a few MB. */
const DATA_OFFSET = 8_000_000;
const ALIGNMENT = 32;

/** A header as `readGgufFileInfo` would return it for `shape` quantized as `mix`. */
export function buildFileInfo(shape: ModelShape, mix: QuantMix): GgufFileInfo {
  let offset = 0;
  const tensors: GgufTensorInfo[] = planTensors(shape).map((t) => {
    const elements = t.dimensions.reduce((a, b) => a * b, 1);
    const ggmlType = t.dimensions.length === 1 ? GgmlType.F32 : matrixType(shape, mix, t.role, t.layer, t.dimensions[0]!);
    const info: GgufTensorInfo = { name: t.name, dimensions: t.dimensions, ggmlType, offset, fileOffset: DATA_OFFSET + offset, filePart: 1 };
    offset += Math.ceil(tensorBytes(ggmlType, elements) / ALIGNMENT) * ALIGNMENT;
    return info;
  });
  const architectureMetadata = {
    context_length: shape.contextLength,
    embedding_length: shape.embeddingLength,
    block_count: shape.blockCount,
    feed_forward_length: shape.feedForwardLength,
    attention: { head_count: shape.headCount, head_count_kv: shape.headCountKv, layer_norm_rms_epsilon: 1e-5 },
    rope: { freq_base: shape.architecture === 'llama' ? 500000 : 1000000 },
    ...(shape.vocabSizeKey ? { vocab_size: shape.vocabSize } : {}),
  };
  const metadata = {
    general: { architecture: shape.architecture, name: shape.name, file_type: FILE_TYPES[mix], quantization_version: 2 },
    [shape.architecture]: architectureMetadata,
  };
  return {
    version: 3,
    tensorCount: tensors.length,
    metadata,
    metadataSize: DATA_OFFSET,
    architectureMetadata,
    tensorInfo: tensors,
    fullTensorInfo: tensors,
    tensorInfoSize: 0,
    splicedParts: 1,
    totalTensorCount: tensors.length,
    totalMetadataSize: DATA_OFFSET,
    totalTensorInfoSize: 0,
    sourceData: [],
  } as unknown as GgufFileInfo;
}

/** Sum of the tensor bytes of a header (what the weights take on disk), independent of node-llama-cpp. */
export function weightBytes(fileInfo: GgufFileInfo): number {
  return (fileInfo.fullTensorInfo ?? []).reduce((sum, t) => sum + tensorBytes(t.ggmlType, t.dimensions.reduce<number>((a, b) => a * Number(b), 1)), 0);
}
