import { describe, expect, it } from 'vitest';
import type { LabFileResult, LabRun } from '../../../shared/labDto';
import type { ModelInfo } from '../../../shared/dto';
import { exportLabRun } from './labExport';
import { groupModels } from './labGroups';
import { labQuality } from './labQuality';

const file = (over: Partial<LabFileResult>): LabFileResult => ({
  modelId: 'pub/repo/m-f16.gguf', fileName: 'm-f16.gguf', quantization: 'F16', size: 1000, bitsPerWeight: 16, isBase: true,
  loadMs: 10, ramBytes: 1, vramBytes: 0, ppTokensPerSecond: 100, tgTokensPerSecond: 10, ppl: 5, pplStderr: 0.1,
  pplRatio: 1, pplRatioStderr: 0, kldMean: 0, kldStderr: 0, kldMedian: 0, kld99: 0, kldMax: 0, sameTopPercent: 100,
  sameTopStderrPercent: 0, rmsDeltaP: 0, rmsDeltaPStderr: 0, evalMs: 5, ...over,
});
const run = (id: string, startedAt: string, files: LabFileResult[]): LabRun => ({
  schemaVersion: 1, id, startedAt, finishedAt: startedAt, status: 'done',
  machine: { key: 'k', cpu: 'CPU', cores: 2, ramBytes: 1, platform: 'linux-x64' }, threads: 2, contextSize: 512, chunks: 4,
  scoredTokens: 1020, text: { source: 'bundled', name: 'sample', tokens: 2100, sha256: 'x' }, baseModelId: files[0]!.modelId, files, durationMs: 1,
});

describe('lab results', () => {
  const q4 = file({ modelId: 'pub/repo/m-q4_0.gguf', fileName: 'm, "q4".gguf', quantization: 'Q4_0', isBase: false, kldMean: 0.03, pplRatio: 1.035, sameTopPercent: 91 });
  const newer = run('b', '2026-02-01T10:00:00.000Z', [file({}), q4]);
  const older = run('a', '2026-01-01T10:00:00.000Z', [file({}), { ...q4, kldMean: 0.05 }]);

  it('exports CSV with the JSON keys as columns and quoted text cells', () => {
    const csv = exportLabRun(newer, 'csv');
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]!.startsWith('modelId,fileName,quantization,isBase,size,bitsPerWeight')).toBe(true);
    expect(lines[2]).toContain('"m, ""q4"".gguf",Q4_0,false,1000');
    expect(exportLabRun(newer, 'markdown').text).toContain('| m-f16.gguf (base) | F16 |');
    expect(JSON.parse(exportLabRun(newer, 'json').text)).toEqual(newer);
  });

  it('answers the recommendation from the newest run that measured the file, never for the base', () => {
    expect(labQuality([newer, older], { id: q4.modelId })).toMatchObject({ kldMean: 0.03, pplRatio: 1.035, source: { runId: 'b' } });
    expect(labQuality([newer, older], { id: 'elsewhere/m.gguf', fileName: q4.fileName, sizeBytes: 1000 })?.source.runId).toBe('b');
    expect(labQuality([newer], { id: 'pub/repo/m-f16.gguf' })).toBeNull();
  });

  it('groups files with the same architecture, parameter and layer count, largest first', () => {
    const model = (id: string, size: number, name: string, params = 135e6): ModelInfo => ({
      id, path: `/m/${id}`, fileName: id, sizeBytes: size, modifiedAt: '', status: 'ok',
      metadata: { name, architecture: 'llama', parameterCount: params, quantization: 'Q', trainedContextLength: 8192, layers: 30 },
    });
    const groups = groupModels([model('a-q4.gguf', 80, 'SmolLM2'), model('a-f16.gguf', 270, 'SmolLM2 135M'), model('a-q8.gguf', 144, 'SmolLM2'), model('b.gguf', 10, 'Other', 1e9)]);
    expect(groups[0]!.models.map((m) => m.id)).toEqual(['a-f16.gguf', 'a-q8.gguf', 'a-q4.gguf']);
    expect(groups[0]!.name).toBe('SmolLM2');
    expect(groups[0]!.models[0]!.bitsPerWeight).toBeCloseTo((270 * 8) / 135e6, 12);
    expect(groups).toHaveLength(2);
  });
});
