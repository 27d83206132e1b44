import { GgufFileType, readGgufFileInfo } from 'node-llama-cpp';
import type { ModelMetadata } from '../../../shared/dto';

/**
 * Reads what Hearth shows about a GGUF file from its header only (no weights are read), with
 * node-llama-cpp's reader. Throws with the reader's reason when the file is not a valid GGUF.
 */
export async function readModelMetadata(path: string, fallbackName: string): Promise<ModelMetadata> {
  const info = await readGgufFileInfo(path, { sourceType: 'filesystem', readTensorInfo: true, logWarnings: false });
  const general = info.metadata.general;
  const arch = info.architectureMetadata as { context_length?: number; block_count?: number };
  let parameterCount = 0;
  for (const tensor of info.tensorInfo ?? []) {
    parameterCount += tensor.dimensions.reduce<number>((product, dim) => product * Number(dim), 1);
  }
  return {
    name: general?.name?.trim() || fallbackName,
    architecture: String(general?.architecture ?? 'unknown'),
    parameterCount,
    quantization: quantizationName(general?.file_type),
    trainedContextLength: Number(arch.context_length ?? 0),
    layers: Number(arch.block_count ?? 0),
  };
}

/** `general.file_type` as llama.cpp's quantize tool names it (`MOSTLY_Q4_K_M` → `Q4_K_M`). */
export function quantizationName(fileType: number | undefined): string {
  if (fileType === undefined) return 'unknown';
  const enumName = (GgufFileType as unknown as Record<number, string | undefined>)[fileType];
  if (!enumName) return `type ${fileType}`;
  return enumName.replace(/^(MOSTLY|ALL)_/, '');
}
