import { createHash } from 'node:crypto';
import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors';
import {
  FILLER_COUNT,
  FIXTURE_GRANTED_TOKEN,
  GATED_REPO,
  type HubFixtureServer,
  SPLIT_REPO,
  startHubFixtureServer,
  TINY_REPO,
} from '../../testing/hub/hubFixtureServer';
import { HubClient, type HubClientOptions } from './hubClient';
import { resolveHubEndpoint } from './hubToken';

let hub: HubFixtureServer;
/** Backoff waits the client asked for, in ms; the injected sleep returns at once. */
let waits: number[];

function client(options: Partial<HubClientOptions> = {}): HubClient {
  return new HubClient({ endpoint: hub.endpoint, timeoutMs: 5_000, sleep: async (ms) => void waits.push(ms), ...options });
}

async function caught(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

beforeAll(async () => {
  hub = await startHubFixtureServer();
});
afterAll(async () => {
  await hub.close();
});
beforeEach(() => {
  hub.requests.length = 0;
  hub.rateLimitNext(0);
  waits = [];
});

describe('HubClient.search', () => {
  it('asks for GGUF repos with the expand fields it reads and maps them', async () => {
    const page = await client().search({ query: 'tiny', sort: 'downloads' });
    expect(page.models.map((m) => m.id)).toEqual([TINY_REPO, SPLIT_REPO]);
    expect(page.nextCursor).toBeUndefined();
    expect(page.models[0]).toEqual({
      id: TINY_REPO, downloads: 5_000, likes: 10, lastModified: '2026-01-10T00:00:00.000Z', license: 'apache-2.0', gated: false,
      parameterCount: 1_000_000, architecture: 'llama', contextLength: 256,
    });
    const url = new URL(hub.requests[0]?.url ?? '', hub.endpoint);
    expect(url.pathname).toBe('/api/models');
    expect(Object.fromEntries([...url.searchParams].filter(([k]) => k !== 'expand[]'))).toEqual({
      search: 'tiny', filter: 'gguf', sort: 'downloads', direction: '-1', limit: '20',
    });
    expect(url.searchParams.getAll('expand[]').sort()).toEqual(['downloads', 'gated', 'gguf', 'lastModified', 'likes', 'tags']);
  });

  it('sorts by likes and by recency', async () => {
    const byLikes = await client().search({ query: 'tiny', sort: 'likes' });
    expect(byLikes.models.map((m) => m.id)).toEqual([SPLIT_REPO, TINY_REPO]);
    const recent = await client().search({ sort: 'lastModified', limit: 3 });
    expect(recent.models.map((m) => m.id)).toEqual([SPLIT_REPO, TINY_REPO, GATED_REPO]);
  });

  it('pages with the Link cursor until the last page, bounded', async () => {
    const hubClient = client();
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await hubClient.search({ limit: 5, ...(cursor ? { cursor } : {}) });
      seen.push(...page.models.map((m) => m.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor !== undefined && pages < 10);
    const total = FILLER_COUNT + 3;
    expect(pages).toBe(Math.ceil(total / 5));
    expect(new Set(seen).size).toBe(total);
    expect(seen[0]).toBe(GATED_REPO); // most downloads first, across pages
    expect(seen.at(-1)).toBe(`hearth-fixtures/filler-${FILLER_COUNT}-GGUF`);
  });

  it('refuses a cursor pointing at another server', async () => {
    const error = await caught(client().search({ cursor: `${hub.cdnEndpoint}/api/models?cursor=x` }));
    expect(error.code).toBe('BAD_REQUEST');
  });
});

describe('HubClient.getRepo', () => {
  it('groups GGUF files by quant with sizes, sha256, licence and commit', async () => {
    const repo = await client().getRepo(TINY_REPO);
    const fixture = hub.repos.find((r) => r.id === TINY_REPO);
    expect(repo.sha).toBe(fixture?.sha);
    expect(repo.license).toBe('apache-2.0');
    expect(repo.gated).toBe(false);
    expect(repo.files.map((f) => f.quant)).toEqual(['Q4_0', 'Q8_0', 'F16']);
    for (const file of repo.files) {
      const source = hub.file(TINY_REPO, file.name);
      expect(file.parts).toEqual([{ path: file.name, size: source?.bytes.length, sha256: source?.sha256 }]);
      expect(file.size).toBe(source?.bytes.length);
    }
  });

  it('joins a split model into one entry with every part', async () => {
    const repo = await client().getRepo(SPLIT_REPO);
    expect(repo.files).toHaveLength(1);
    const [split] = repo.files;
    const one = hub.file(SPLIT_REPO, 'hearth-tiny-Q8_0-00001-of-00002.gguf');
    const two = hub.file(SPLIT_REPO, 'hearth-tiny-Q8_0-00002-of-00002.gguf');
    expect(split?.quant).toBe('Q8_0');
    expect(split?.parts.map((p) => p.sha256)).toEqual([one?.sha256, two?.sha256]);
    expect(split?.size).toBe((one?.bytes.length ?? 0) + (two?.bytes.length ?? 0));
  });

  it('lists the same files from the tree endpoint', async () => {
    const files = await client().listFiles(SPLIT_REPO);
    expect(files.map((f) => f.sha256)).toEqual(hub.repos.find((r) => r.id === SPLIT_REPO)?.files.map((f) => f.sha256));
  });

  it('reports a gated repo and a missing one clearly', async () => {
    expect((await client().getRepo(GATED_REPO)).gated).toBe('manual');
    const missing = await caught(client().getRepo('nobody/nothing-GGUF'));
    expect(missing.code).toBe('NOT_FOUND');
    expect(missing.message).toMatch(/nobody\/nothing-GGUF was not found on 127\.0\.0\.1:\d+ \(if it is private, set HF_TOKEN\)/);
  });
});

describe('HubClient endpoint and token', () => {
  it('honours HF_ENDPOINT (trailing slash stripped) for API and file URLs', async () => {
    const endpoint = resolveHubEndpoint({ HF_ENDPOINT: `${hub.endpoint}/` });
    const hubClient = client({ endpoint });
    expect(hubClient.fileUrl(TINY_REPO, 'dir/a b.gguf', 'main')).toBe(`${hub.endpoint}/${TINY_REPO}/resolve/main/dir/a%20b.gguf`);
    await hubClient.getRepo(TINY_REPO);
    expect(hub.requests[0]?.url).toBe(`/api/models/${TINY_REPO}?blobs=true`);
  });

  it('sends the token to the Hub but not to the CDN it redirects to', async () => {
    const { response } = await client({ token: FIXTURE_GRANTED_TOKEN }).openFile(GATED_REPO, 'hearth-tiny-Q4_0.gguf');
    await response.arrayBuffer();
    const [toHub, toCdn, ...rest] = hub.requests;
    expect(rest).toEqual([]);
    expect(toHub?.server).toBe('hub');
    expect(toHub?.headers.authorization).toBe(`Bearer ${FIXTURE_GRANTED_TOKEN}`);
    expect(toCdn?.server).toBe('cdn');
    expect(toCdn?.host).toBe(new URL(hub.cdnEndpoint).host);
    expect(toCdn?.headers.authorization).toBeUndefined();
  });

  it('says how to get access to a gated repo without a token, and with one that has none', async () => {
    const noToken = await caught(client().openFile(GATED_REPO, 'hearth-tiny-Q4_0.gguf'));
    expect(noToken.code).toBe('UNAUTHORIZED');
    expect(noToken.message).toBe(`${GATED_REPO} is gated: accept its terms on huggingface.co and set HF_TOKEN.`);
    const wrongToken = await caught(client({ token: 'hf_other' }).headFile(GATED_REPO, 'hearth-tiny-Q4_0.gguf'));
    expect(wrongToken.code).toBe('UNAUTHORIZED');
    expect(wrongToken.message).toMatch(/has no access yet/);
  });

  it('names a missing file', async () => {
    const error = await caught(client().headFile(TINY_REPO, 'nope-Q4_0.gguf'));
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toBe(`File nope-Q4_0.gguf was not found in ${TINY_REPO}.`);
  });
});

describe('HubClient rate limits', () => {
  it('waits out 429s (Retry-After) and then succeeds', async () => {
    hub.rateLimitNext(2, 1);
    const page = await client().search({ query: 'tiny' });
    expect(page.models).toHaveLength(2);
    expect(waits).toEqual([1_000, 1_000]);
    expect(hub.requests).toHaveLength(3);
  });

  it('gives BUSY with a retry hint when 429s persist, after a bounded number of tries', async () => {
    hub.rateLimitNext(100, 7);
    const error = await caught(client().getRepo(TINY_REPO));
    expect(error.code).toBe('BUSY');
    expect(error.retryAfterMs).toBe(7_000);
    expect(error.message).toMatch(/rate limiting.*7 s/);
    expect(hub.requests).toHaveLength(4); // first try + 3 retries
    expect(waits).toEqual([7_000, 7_000, 7_000]);
  });

  it('stops early when the wait would pass the retry budget', async () => {
    hub.rateLimitNext(100, 120);
    const error = await caught(client({ retryBudgetMs: 10_000 }).getRepo(TINY_REPO));
    expect(error.code).toBe('BUSY');
    expect(error.retryAfterMs).toBe(120_000);
    expect(hub.requests).toHaveLength(1);
    expect(waits).toEqual([]);
  });
});

describe('HubClient offline', () => {
  it('says the host cannot be reached when the port refuses connections', async () => {
    // A port that was free a moment ago: nothing listens there now.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as { port: number };
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const error = await caught(client({ endpoint: `http://127.0.0.1:${port}` }).search({ query: 'x' }));
    expect(error.message).toBe(`Cannot reach 127.0.0.1:${port}: check your connection or HF_ENDPOINT.`);
    expect(error.code).not.toBe('ENGINE_ERROR');
  });
});

describe('HubClient files', () => {
  it('HEAD gives commit, sha256, size and the CDN location without following it', async () => {
    const source = hub.file(TINY_REPO, 'hearth-tiny-Q8_0.gguf');
    const head = await client().headFile(TINY_REPO, 'hearth-tiny-Q8_0.gguf');
    expect(head).toEqual({
      commit: hub.repos.find((r) => r.id === TINY_REPO)?.sha,
      sha256: source?.sha256,
      size: source?.bytes.length,
      location: expect.stringContaining(`${hub.cdnEndpoint}/blobs/${source?.sha256}`),
    });
    expect(hub.requests.map((r) => r.server)).toEqual(['hub']);
  });

  it('streams a file through the redirect and its sha256 matches X-Linked-Etag', async () => {
    const hubClient = client();
    const head = await hubClient.headFile(TINY_REPO, 'hearth-tiny-Q4_0.gguf');
    const { response, url } = await hubClient.openFile(TINY_REPO, 'hearth-tiny-Q4_0.gguf');
    expect(response.status).toBe(200);
    expect(url.startsWith(hub.cdnEndpoint)).toBe(true);
    const hash = createHash('sha256');
    let bytes = 0;
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      hash.update(chunk);
      bytes += chunk.length;
    }
    expect(bytes).toBe(head.size);
    expect(hash.digest('hex')).toBe(head.sha256);
  });

  it('resumes from an offset with Range and gets 206', async () => {
    const source = hub.file(TINY_REPO, 'hearth-tiny-Q4_0.gguf');
    const offset = 1_000;
    const { response } = await client().openFile(TINY_REPO, 'hearth-tiny-Q4_0.gguf', { offset });
    expect(response.status).toBe(206);
    expect(Buffer.from(await response.arrayBuffer()).equals(source?.bytes.subarray(offset) ?? Buffer.alloc(0))).toBe(true);
    expect(hub.requests.find((r) => r.server === 'cdn')?.headers.range).toBe(`bytes=${offset}-`);
  });

  it('serves a small non-LFS file directly', async () => {
    const { response, url } = await client().openFile(TINY_REPO, 'README.md');
    expect(url.startsWith(hub.endpoint)).toBe(true);
    expect(await response.text()).toMatch(/Hearth tiny/);
  });
});
