import { readGgufFileInfo } from 'node-llama-cpp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FixtureType } from '../../fixtures/gguf/generateModel';
import { fixtureModel } from '../../testing/fixtureModels';
import { FIXTURE_GRANTED_TOKEN, GATED_REPO, SPLIT_REPO, startHubFixtureServer, TINY_REPO, type HubFixtureServer } from '../../testing/hub/hubFixtureServer';
import { estimateFit, type FitHardware } from '../hardware/fitEstimate';
import { HubClient } from './hubClient';
import type { HubRepo } from './hubTypes';
import { RemoteFitService } from './remoteFit';

const GIB = 1024 ** 3;
/** A synthetic CPU-only machine: 32 GiB RAM, 30 GiB free. */
const CPU_32GB: FitHardware = { gpu: false, vramTotalBytes: 0, vramFreeBytes: 0, unifiedBytes: 0, ramTotalBytes: 32 * GIB, ramFreeBytes: 30 * GIB };
/** The same machine with only 200 MB free. */
const CPU_200MB_FREE: FitHardware = { ...CPU_32GB, ramFreeBytes: 200e6 };
const CONTEXT = 4096;
const TOKENIZER_KEYS = ['tokenizer.ggml.tokens', 'tokenizer.ggml.scores', 'tokenizer.ggml.token_type', 'tokenizer.ggml.merges'];

let server: HubFixtureServer;

beforeAll(async () => {
  server = await startHubFixtureServer();
});
afterAll(async () => {
  await server.close();
});
afterEach(() => {
  server.requests.length = 0;
});

/** The estimate from the same fixture file read from disk. */
async function localEstimate(type: FixtureType, hardware: FitHardware) {
  const info = await readGgufFileInfo(await fixtureModel({ preset: 'tiny', type }), { logWarnings: false, ignoreKeys: TOKENIZER_KEYS });
  const trained = info.architectureMetadata.context_length;
  return estimateFit({ fileInfo: info, hardware, contextSize: trained ? Math.min(CONTEXT, trained) : CONTEXT });
}

/** Bytes the CDN sent for one blob, from the recorded `Range`s (the fixture honours them, capped at the file). */
function cdnBytes(sha256: string, size: number): number {
  let total = 0;
  for (const request of server.requests) {
    if (request.server !== 'cdn' || !request.url.startsWith(`/blobs/${sha256}`)) continue;
    const range = /^bytes=(\d+)-(\d*)$/.exec(request.headers.range ?? '');
    const start = range ? Number(range[1]) : 0;
    const end = range?.[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
    total += Math.max(0, end - start + 1);
  }
  return total;
}

describe('RemoteFitService on the fixture Hub', () => {
  it('labels F16 / Q8_0 / Q4_0 from the remote headers exactly as from the local files, and recommends by the trade-off on a 32 GB CPU machine', async () => {
    const hub = new HubClient({ endpoint: server.endpoint });
    const repo = await hub.getRepo(TINY_REPO);
    const fit = await new RemoteFitService({ hub }).estimateRepo({ repo, hardware: CPU_32GB, contextSize: CONTEXT });

    expect(fit.files.map((f) => f.quant).sort()).toEqual(['F16', 'Q4_0', 'Q8_0']);
    for (const file of fit.files) {
      expect(file.error).toBeUndefined();
      expect(file.estimate).toEqual(await localEstimate(file.quant as FixtureType, CPU_32GB));
      expect(file.estimate!.label).toBe('cpu');
      // Everything that came over the wire, per the server's own log: the header read, no more.
      const part = repo.files.find((f) => f.name === file.name)!.parts[0]!;
      expect(file.headerBytesRead).toBe(cdnBytes(part.sha256!, part.size));
      expect(file.headerBytesRead).toBeGreaterThan(0);
      console.log(`header bytes ${file.name}: ${file.headerBytesRead} of ${part.size}`);
    }
    // Balanced (the default): Q4_0 reads well under half F16's bytes per token, worth its ~7.5 % more perplexity.
    const recommended = fit.files.filter((f) => f.recommended);
    expect(recommended.map((f) => f.quant)).toEqual(['Q4_0']);
    expect(recommended[0]!.recommendation).toMatch(/^Q4_0 — fits in RAM \(.+\), about [\d.]+ tok\/s \(estimated; benchmark this machine to measure\), about 8 % quality loss vs F16$/);
    for (const file of fit.files) expect(file.tradeoff!.tokensPerSecond).toBeGreaterThan(0);
    // Quality: the most precise file that fits.
    const quality = await new RemoteFitService({ hub, recommendContext: async () => ({ preference: 'quality' }) }).estimateRepo({ repo, hardware: CPU_32GB, contextSize: CONTEXT });
    expect(quality.files.filter((f) => f.recommended).map((f) => f.quant)).toEqual(['F16']);
    expect(fit.files.find((f) => f.quant === 'Q4_0')!.bitsPerWeight).toBeLessThan(fit.files.find((f) => f.quant === 'F16')!.bitsPerWeight);
  });

  it('says Too large for every file with 200 MB free, recommends none, and answers a second look from the cache', async () => {
    const hub = new HubClient({ endpoint: server.endpoint });
    const repo = await hub.getRepo(TINY_REPO);
    const service = new RemoteFitService({ hub });
    await service.estimateRepo({ repo, hardware: CPU_32GB, contextSize: CONTEXT });
    server.requests.length = 0;
    const fit = await service.estimateRepo({ repo, hardware: CPU_200MB_FREE, contextSize: CONTEXT });
    for (const file of fit.files) expect(file.estimate).toEqual(await localEstimate(file.quant as FixtureType, CPU_200MB_FREE));
    expect(fit.files.map((f) => f.estimate!.label)).toEqual(['too-large', 'too-large', 'too-large']);
    expect(fit.files.some((f) => f.recommended)).toBe(false);
    expect(fit.files.every((f) => f.headerBytesRead === 0)).toBe(true);
    expect(server.requests).toEqual([]);
  });

  it('never sends a token to the CDN host, even with HF_TOKEN set and a CDN 404', async () => {
    const saved = { token: process.env.HF_TOKEN, endpoint: process.env.HF_ENDPOINT };
    process.env.HF_TOKEN = 'hf_env_token_must_not_leak';
    process.env.HF_ENDPOINT = server.endpoint;
    try {
      const hub = new HubClient({ endpoint: server.endpoint, token: FIXTURE_GRANTED_TOKEN });
      const repo = await hub.getRepo(GATED_REPO);
      const service = new RemoteFitService({ hub, token: FIXTURE_GRANTED_TOKEN });
      const fit = await service.estimateRepo({ repo, hardware: CPU_32GB, contextSize: CONTEXT });
      expect(fit.files).toHaveLength(1);
      expect(fit.files[0]!.estimate?.label).toBe('cpu');

      // A CDN that answers 404: node-llama-cpp would retry with an implicit HF token if it took the host for the Hub.
      const lost = new RemoteFitService({
        hub: { endpoint: hub.endpoint, fileUrl: hub.fileUrl.bind(hub), headFile: () => Promise.resolve({ location: `${server.cdnEndpoint}/blobs/${'0'.repeat(64)}` }) },
        token: FIXTURE_GRANTED_TOKEN,
      });
      const lostFit = await lost.estimateRepo({ repo, hardware: CPU_32GB, contextSize: CONTEXT });
      expect(lostFit.files[0]).toMatchObject({ estimate: null, recommended: false });
      expect(lostFit.files[0]!.error).toMatch(/404/);

      const cdn = server.requests.filter((r) => r.server === 'cdn');
      expect(cdn.length).toBeGreaterThan(0);
      for (const request of cdn) expect(request.headers.authorization).toBeUndefined();
      const heads = server.requests.filter((r) => r.server === 'hub' && r.method === 'HEAD');
      expect(heads.length).toBeGreaterThan(0);
      for (const request of heads) expect(request.headers.authorization).toBe(`Bearer ${FIXTURE_GRANTED_TOKEN}`);
    } finally {
      for (const [name, value] of [['HF_TOKEN', saved.token], ['HF_ENDPOINT', saved.endpoint]] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it('gives an error line for a missing file, a non-GGUF file and a gated repo without token, and fits the rest', async () => {
    const hub = new HubClient({ endpoint: server.endpoint });
    const tiny = await hub.getRepo(TINY_REPO);
    const extra = (path: string) => ({ name: path, quant: 'Q2_K', size: 1_000, parts: [{ path, size: 1_000 }], projector: false });
    const repo: HubRepo = {
      ...tiny,
      files: [
        ...tiny.files,
        extra('missing-Q2_K.gguf'),
        extra('README.md'),
        { name: 'mmproj-F16.gguf', size: 1, parts: [{ path: 'mmproj-F16.gguf', size: 1 }], projector: true },
      ],
    };
    const fit = await new RemoteFitService({ hub }).estimateRepo({ repo, hardware: CPU_32GB, contextSize: CONTEXT });
    expect(fit.files.map((f) => f.name)).not.toContain('mmproj-F16.gguf');
    const byName = new Map(fit.files.map((f) => [f.name, f]));
    expect(byName.get('missing-Q2_K.gguf')).toMatchObject({ estimate: null, recommended: false });
    expect(byName.get('missing-Q2_K.gguf')!.error).toMatch(/missing-Q2_K\.gguf|not found|does not exist/i);
    expect(byName.get('README.md')!.error).toMatch(/not a GGUF/);
    expect(fit.files.filter((f) => f.estimate !== null)).toHaveLength(3);
    expect(fit.files.filter((f) => f.recommended).map((f) => f.quant)).toEqual(['Q4_0']);

    const gated = await new RemoteFitService({ hub }).estimateRepo({ repo: await hub.getRepo(GATED_REPO), hardware: CPU_32GB, contextSize: CONTEXT });
    expect(gated.files[0]).toMatchObject({ estimate: null, recommended: false });
    expect(gated.files[0]!.error).toMatch(/restricted|gated|token|access/i);
  });

  it('reads only the first part of the fixture split model (its header declares no split)', async () => {
    const hub = new HubClient({ endpoint: server.endpoint });
    const repo = await hub.getRepo(SPLIT_REPO);
    expect(repo.files).toHaveLength(1);
    const fit = await new RemoteFitService({ hub }).estimateRepo({ repo, hardware: CPU_32GB, contextSize: CONTEXT });
    expect(fit.files[0]!.estimate).toEqual(await localEstimate('Q8_0', CPU_32GB));
    const second = repo.files[0]!.parts[1]!;
    expect(cdnBytes(second.sha256!, second.size)).toBe(0);
  });
});
