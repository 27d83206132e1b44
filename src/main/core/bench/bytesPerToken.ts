/**
 * Bytes of weights read to generate one token: the quantity that, divided by memory bandwidth,
 * bounds generation speed (each token multiplies the activations by every weight matrix once).
 *
 * The approximation: the sum of every tensor's encoded size, except the token-embedding matrix
 * when the model has a separate output matrix. Embedding a token reads one row of it, a
 * negligible share; with tied embeddings (no `output.weight`) the same matrix is also the output
 * layer, which reads it whole, so it counts. KV-cache reads, which grow with the context, and
 * activations are left out: the benchmark's tg test runs at a near-empty context, and the
 * prediction is for the same case. A benchmark derives bandwidth with this same function, so for
 * one model the approximation cancels out.
 */
import type { GgufFileInfo } from 'node-llama-cpp';
import { ggmlTypeLayout } from '../library/ggmlTypes';

export function bytesPerToken(fileInfo: Pick<GgufFileInfo, 'fullTensorInfo' | 'tensorInfo'>, fallbackBytes = 0): number {
  const tensors = fileInfo.fullTensorInfo ?? fileInfo.tensorInfo ?? [];
  const untied = tensors.some((tensor) => tensor.name === 'output.weight');
  let total = 0;
  for (const tensor of tensors) {
    if (untied && tensor.name === 'token_embd.weight') continue;
    const layout = ggmlTypeLayout(Number(tensor.ggmlType));
    if (!layout || 'removed' in layout) return fallbackBytes;
    const elements = tensor.dimensions.reduce<number>((product, dim) => product * Number(dim), 1);
    total += (elements / layout.blockValues) * layout.blockBytes;
  }
  return total > 0 ? Math.round(total) : fallbackBytes;
}
