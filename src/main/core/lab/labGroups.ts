import type { ModelInfo } from '../../../shared/dto';
import type { LabGroup } from '../../../shared/labDto';

/**
 * Files that look like quantizations of one model: same architecture, parameter count and layer
 * count (these do not change with the quantization; names often do: "Llama-3.2-1B-Instruct-Q4_K_M"
 * vs "Llama 3.2 1B Instruct"). Largest file first, since it is the most precise.
 */
export function groupModels(models: readonly ModelInfo[]): LabGroup[] {
  const groups = new Map<string, ModelInfo[]>();
  for (const model of models) {
    const meta = model.metadata;
    if (model.status !== 'ok' || !meta) continue;
    const key = `${meta.architecture}|${meta.parameterCount}|${meta.layers}`;
    groups.set(key, [...(groups.get(key) ?? []), model]);
  }
  return [...groups.entries()]
    .map(([key, members]): LabGroup => {
      const sorted = [...members].sort((a, b) => b.sizeBytes - a.sizeBytes);
      const meta = sorted[0]!.metadata!;
      return {
        key,
        name: mostCommon(sorted.map((model) => model.metadata!.name)),
        architecture: meta.architecture,
        parameterCount: meta.parameterCount,
        models: sorted.map((model) => ({
          id: model.id,
          fileName: model.fileName,
          quantization: model.metadata!.quantization,
          sizeBytes: model.sizeBytes,
          bitsPerWeight: bitsPerWeight(model),
        })),
      };
    })
    .sort((a, b) => b.models.length - a.models.length || a.name.localeCompare(b.name));
}

export function bitsPerWeight(model: Pick<ModelInfo, 'sizeBytes' | 'metadata'>): number | null {
  const params = model.metadata?.parameterCount;
  return params ? (model.sizeBytes * 8) / params : null;
}

function mostCommon(values: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
}
