import { describe, expect, it } from 'vitest';
import type { ModelInfo } from '../../shared/dto';
import type { FitEstimate, FitLabel } from '../../shared/hardwareDto';
import type { HubGgufFile, HubRepo, HubRepoDetail, RemoteFileFit, RemoteRepoFit } from '../../shared/hubDto';
import { AppError } from '../../shared/errors';
import { CliFailure } from './cliFailure';
import { choosePullModel, type ChooseDeps } from './pullChoice';
import { findModel } from './rm';

const file = (quant: string, size: number): HubGgufFile => ({ name: `m-${quant}.gguf`, quant, size, parts: [{ path: `m-${quant}.gguf`, size, sha256: 'a'.repeat(64) }], projector: false });
const REPO: HubRepo = { id: 'o/r', sha: 'c'.repeat(40), gated: false, files: [file('Q4_0', 100), file('Q8_0', 200), file('F16', 400)] };

function estimate(label: FitLabel): FitEstimate {
  const split = { weightsBytes: 1, kvCacheBytes: 1, computeBytes: 1, totalBytes: 3 };
  return { label, contextSize: 4096, gpuLayers: 0, totalLayers: 3, vram: split, ram: split, headroom: { vramBytes: 0, ramBytes: 9 }, safetyMarginBytes: 1, reason: 'r' };
}

function fit(f: HubGgufFile, label: FitLabel | null, extra: Partial<RemoteFileFit> = {}): RemoteFileFit {
  return { name: f.name, quant: f.quant!, sizeBytes: f.size, estimate: label ? estimate(label) : null, recommended: false, bitsPerWeight: 8, headerBytesRead: 10, ...extra };
}

/** A hub that answers `getRepo` like HubService (quant preselection included) and `estimateFits` with `fits`. */
function deps(fits: RemoteFileFit[], answers: boolean[] = [], repo: HubRepo = REPO): ChooseDeps & { said: string[]; asked: string[] } {
  const said: string[] = [];
  const asked: string[] = [];
  return {
    said,
    asked,
    say: (line) => said.push(line),
    ask: answers.length > 0 ? async (question) => (asked.push(question), answers.shift() ?? false) : undefined,
    signal: new AbortController().signal,
    hub: {
      getRepo: async (reference: string): Promise<HubRepoDetail> => {
        if (!reference.includes('/')) throw new AppError('BAD_REQUEST', `"${reference}" is not a model reference`);
        const quant = reference.split(':')[1];
        const selected = repo.files.find((f) => f.quant === quant);
        return { repo, reference: { repo: 'o/r', ...(quant ? { quant } : {}) }, ...(selected ? { selected: selected.name } : quant ? { selectionError: `o/r has no ${quant} model.` } : {}) };
      },
      estimateFits: async (): Promise<RemoteRepoFit> => ({ repo: repo.id, sha: repo.sha, files: fits }),
    },
  };
}

const options = (reference: string, extra: { quant?: string; yes?: boolean } = {}) => ({ reference, yes: false, ...extra });

describe('choosePullModel', () => {
  it('takes the quant of the reference or --quant without estimating anything', async () => {
    const d = deps([]);
    expect((await choosePullModel(options('o/r:Q8_0'), d)).file.name).toBe('m-Q8_0.gguf');
    expect((await choosePullModel(options('o/r', { quant: 'F16' }), d)).file.name).toBe('m-F16.gguf');
    expect(d.said).toEqual([]);
  });

  it('refuses an unknown or contradicting quant, and a malformed reference as a bad argument', async () => {
    await expect(choosePullModel(options('o/r', { quant: 'Q2_K' }), deps([]))).rejects.toMatchObject({ exitCode: 1, message: 'o/r has no Q2_K model. Available: Q4_0, Q8_0, F16.' });
    await expect(choosePullModel(options('o/r:Q8_0', { quant: 'F16' }), deps([]))).rejects.toMatchObject({ exitCode: 2 });
    await expect(choosePullModel(options('nonsense'), deps([]))).rejects.toMatchObject({ exitCode: 2 });
    await expect(choosePullModel(options('o/r:Q3_K'), deps([]))).rejects.toMatchObject({ exitCode: 1, message: 'o/r has no Q3_K model.' });
  });

  it('picks the Recommended model and says why in one line', async () => {
    const [q4, q8, f16] = REPO.files as [HubGgufFile, HubGgufFile, HubGgufFile];
    const d = deps([fit(q4, 'cpu'), fit(q8, 'cpu', { recommended: true, recommendation: 'Q8_0 — fits in RAM (200 B of 8.0 GB free), about 9 tok/s here, under 0.1 % quality loss vs F16' }), fit(f16, 'too-large')]);
    expect((await choosePullModel(options('o/r'), d)).file.name).toBe('m-Q8_0.gguf');
    expect(d.said.at(-1)).toBe('Recommended: m-Q8_0.gguf (200 B, Fits in RAM (CPU) at 4096 tokens of context): Q8_0 — fits in RAM (200 B of 8.0 GB free), about 9 tok/s here, under 0.1 % quality loss vs F16.');
  });

  it('when nothing fits: asks on a terminal, takes the smallest with --yes, refuses otherwise', async () => {
    const tooLarge = REPO.files.map((f) => fit(f, 'too-large'));
    await expect(choosePullModel(options('o/r'), deps(tooLarge))).rejects.toThrow(/^Nothing in o\/r fits this machine \(Q4_0 100 B Too large, .*pass --yes/);
    expect((await choosePullModel(options('o/r', { yes: true }), deps(tooLarge))).file.name).toBe('m-Q4_0.gguf');
    const yes = deps(tooLarge, [true]);
    expect((await choosePullModel(options('o/r'), yes)).file.name).toBe('m-Q4_0.gguf');
    expect(yes.asked[0]).toMatch(/Download the smallest, m-Q4_0\.gguf \(100 B\), anyway\?$/);
    await expect(choosePullModel(options('o/r'), deps(tooLarge, [false]))).rejects.toBeInstanceOf(CliFailure);
  });

  it('when no header could be read, gives the reason (and for an open repo, how to skip the estimate)', async () => {
    const failed = REPO.files.map((f) => fit(f, null, { error: 'Reading the header timed out after 30 s.' }));
    await expect(choosePullModel(options('o/r'), deps(failed))).rejects.toThrow(
      'Could not estimate any model of o/r: Reading the header timed out after 30 s. Name a quant to download without the estimate (o/r:QUANT). Available: Q4_0, Q8_0, F16.',
    );
    const gated = deps(REPO.files.map((f) => fit(f, null, { error: 'o/r is gated: accept its terms on huggingface.co and set HF_TOKEN.' })), [], { ...REPO, gated: 'manual' });
    await expect(choosePullModel(options('o/r'), gated)).rejects.toThrow(/^Could not estimate any model of o\/r: o\/r is gated: accept its terms on huggingface\.co and set HF_TOKEN\.$/);
  });
});

describe('findModel (hearth rm)', () => {
  const model = (id: string): ModelInfo => ({ id, path: `/m/${id}`, fileName: id.split('/').at(-1)!, sizeBytes: 1, modifiedAt: '2026-01-01T00:00:00.000Z', status: 'ok' });
  const models = [model('a/r/x.gguf'), model('b/r/x.gguf'), model('a/r/y.gguf')];

  it('finds by id, or by a file name only one model has', () => {
    expect(findModel(models, 'b/r/x.gguf', '/m').id).toBe('b/r/x.gguf');
    expect(findModel(models, 'y.gguf', '/m').id).toBe('a/r/y.gguf');
  });

  it('lists the candidates of an ambiguous name (exit 2) and says when there is none (exit 1)', () => {
    expect(() => findModel(models, 'x.gguf', '/m')).toThrow('"x.gguf" names 2 models; give the id of one: a/r/x.gguf, b/r/x.gguf.');
    expect(() => findModel(models, 'x.gguf', '/m')).toThrow(expect.objectContaining({ exitCode: 2 }) as Error);
    expect(() => findModel(models, 'z.gguf', '/m')).toThrow(expect.objectContaining({ exitCode: 1 }) as Error);
  });
});
