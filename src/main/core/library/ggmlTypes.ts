/**
 * Tensor encodings (ggml types) that a GGUF tensor info can name, with their block layout. The
 * reader needs the layout to compute how many bytes each tensor's data takes, and so whether the
 * data fits in the file. Sizes follow the block structs of the llama.cpp that node-llama-cpp
 * 3.22.1 bundles (ggml-common.h); ids follow its `enum ggml_type`.
 */

/** How one ggml type stores values: `blockBytes` bytes hold `blockValues` values. */
export interface GgmlTypeLayout {
  name: string;
  /** Values per block (1 for plain number types; 32, 64, 128 or 256 for quantized ones). */
  blockValues: number;
  /** Bytes per block. */
  blockBytes: number;
}

/** K-quants and most IQ types work on super-blocks of 256 values. */
const QK_K = 256;

const layout = (name: string, blockValues: number, blockBytes: number): GgmlTypeLayout => ({ name, blockValues, blockBytes });

/** Types a file may use today, by id. */
const GGML_TYPES: ReadonlyMap<number, GgmlTypeLayout> = new Map([
  [0, layout('F32', 1, 4)],
  [1, layout('F16', 1, 2)],
  [2, layout('Q4_0', 32, 18)],
  [3, layout('Q4_1', 32, 20)],
  [6, layout('Q5_0', 32, 22)],
  [7, layout('Q5_1', 32, 24)],
  [8, layout('Q8_0', 32, 34)],
  [9, layout('Q8_1', 32, 36)],
  [10, layout('Q2_K', QK_K, 84)],
  [11, layout('Q3_K', QK_K, 110)],
  [12, layout('Q4_K', QK_K, 144)],
  [13, layout('Q5_K', QK_K, 176)],
  [14, layout('Q6_K', QK_K, 210)],
  [15, layout('Q8_K', QK_K, 292)],
  [16, layout('IQ2_XXS', QK_K, 66)],
  [17, layout('IQ2_XS', QK_K, 74)],
  [18, layout('IQ3_XXS', QK_K, 98)],
  [19, layout('IQ1_S', QK_K, 50)],
  [20, layout('IQ4_NL', 32, 18)],
  [21, layout('IQ3_S', QK_K, 110)],
  [22, layout('IQ2_S', QK_K, 82)],
  [23, layout('IQ4_XS', QK_K, 136)],
  [24, layout('I8', 1, 1)],
  [25, layout('I16', 1, 2)],
  [26, layout('I32', 1, 4)],
  [27, layout('I64', 1, 8)],
  [28, layout('F64', 1, 8)],
  [29, layout('IQ1_M', QK_K, 56)],
  [30, layout('BF16', 1, 2)],
  [34, layout('TQ1_0', QK_K, 54)],
  [35, layout('TQ2_0', QK_K, 66)],
  [39, layout('MXFP4', 32, 17)],
  [40, layout('NVFP4', 64, 36)],
  [41, layout('Q1_0', 128, 18)],
  [42, layout('Q2_0', 64, 18)],
]);

/**
 * Ids llama.cpp once wrote and no longer loads (it names them and refuses). Listing them apart
 * lets the message say "outdated" instead of "damaged".
 */
const REMOVED_GGML_TYPES: ReadonlyMap<number, string> = new Map([
  [4, 'Q4_2'],
  [5, 'Q4_3'],
  [31, 'Q4_0_4_4'],
  [32, 'Q4_0_4_8'],
  [33, 'Q4_0_8_8'],
  [36, 'IQ4_NL_4_4'],
  [37, 'IQ4_NL_4_8'],
  [38, 'IQ4_NL_8_8'],
]);

/** The layout of ggml type `id`; a string naming a removed type; or undefined for an unknown id. */
export function ggmlTypeLayout(id: number): GgmlTypeLayout | { removed: string } | undefined {
  const known = GGML_TYPES.get(id);
  if (known) return known;
  const removed = REMOVED_GGML_TYPES.get(id);
  return removed ? { removed } : undefined;
}
