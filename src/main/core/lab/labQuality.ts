import type { LabQuality, LabRun } from '../../../shared/labDto';

/**
 * Measured quality of one file for the recommendation: from the newest run (of the runs given,
 * newest first, as `LabStore.list` returns them) that compared it with another file. A file is
 * matched by library id, or by file name and size (the same file seen from another folder).
 * Null when no run measured it; the recommendation then uses its prior table.
 */
export function labQuality(runs: readonly LabRun[], model: { id: string; fileName?: string; sizeBytes?: number }): LabQuality | null {
  for (const run of runs) {
    const file = run.files.find(
      (candidate) =>
        !candidate.isBase &&
        (candidate.modelId === model.id || (model.fileName !== undefined && candidate.fileName === model.fileName && candidate.size === model.sizeBytes)),
    );
    if (!file) continue;
    return {
      kldMean: file.kldMean,
      pplRatio: file.pplRatio,
      sameTopPercent: file.sameTopPercent,
      source: { runId: run.id, baseModelId: run.baseModelId, measuredAt: run.finishedAt, contextSize: run.contextSize, scoredTokens: run.scoredTokens },
    };
  }
  return null;
}
