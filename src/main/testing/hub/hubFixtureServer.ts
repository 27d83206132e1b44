/**
 * A Hugging-Face-shaped HTTP server on 127.0.0.1 for tests: search, model info, tree and
 * `resolve`, which redirects LFS files to a second server (the "CDN", another port) the way
 * the real Hub does, so tests can prove the token does not follow the redirect. Every request
 * is recorded. Faults: 429 for the next N Hub requests; on the CDN, a connection dropped after
 * N bytes, wrong bytes for a file, and a slow link.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildFixtureRepos, FIXTURE_GRANTED_TOKEN, type FixtureFile, type FixtureRepo } from './hubFixtureRepos';

export { FIXTURE_GRANTED_TOKEN, GATED_REPO, SPLIT_REPO, TINY_REPO, FILLER_COUNT, makeFixtureRepo } from './hubFixtureRepos';

/** One request as the server saw it. */
export interface RecordedRequest {
  server: 'hub' | 'cdn';
  method: string;
  /** Path and query. */
  url: string;
  /** The `Host` header. */
  host: string;
  /** Lower-case names. */
  headers: Record<string, string>;
}

export interface HubFixtureServer {
  /** Use as `HF_ENDPOINT`, e.g. `http://127.0.0.1:41234`. */
  endpoint: string;
  cdnEndpoint: string;
  repos: readonly FixtureRepo[];
  requests: RecordedRequest[];
  /** The next `times` Hub requests answer 429 with `Retry-After` / `RateLimit` of `retryAfterSeconds`. */
  rateLimitNext(times: number, retryAfterSeconds?: number): void;
  /** The next `times` CDN file bodies stop after `afterBytes` bytes and the socket is destroyed (a dropped connection). */
  dropCdnAfter(afterBytes: number, times?: number): void;
  /** The CDN serves `path` of `repo` with one byte flipped (same size), so its sha256 no longer matches; `false` stops. */
  corruptFile(repo: string, path: string, corrupt?: boolean): void;
  /** The next `times` ranged CDN requests are answered 200 with the whole file, as a server without range support would. */
  ignoreRangeNext(times: number): void;
  /** CDN bodies are paced to about `bytesPerSecond`; `undefined` or 0 = full speed. */
  slowCdn(bytesPerSecond: number | undefined): void;
  /** The fixture's file, for comparing bytes and hashes. */
  file(repo: string, path: string): FixtureFile | undefined;
  close(): Promise<void>;
}

interface State {
  repos: FixtureRepo[];
  requests: RecordedRequest[];
  rateLimit: { remaining: number; seconds: number };
  endpoint: string;
  cdnEndpoint: string;
  drop: { remaining: number; afterBytes: number };
  /** sha256 of files served with a flipped byte. */
  corrupted: Set<string>;
  /** 0 = full speed. */
  bytesPerSecond: number;
  ignoreRange: number;
}

/** Pacing tick of the slow CDN, in ms: small enough that pause/cancel tests see steady progress. */
const SLOW_TICK_MS = 50;
/** Between the last byte sent and the dropped connection, in ms. */
const DROP_DELAY_MS = 100;

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 1_000;
/** Fields a search item has without `expand[]` (the Hub's default list; note: no gguf, gated or lastModified). */
const DEFAULT_FIELDS = ['downloads', 'likes', 'tags'];

function record(state: State, server: 'hub' | 'cdn', req: IncomingMessage): void {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  state.requests.push({ server, method: req.method ?? 'GET', url: req.url ?? '/', host: req.headers.host ?? '', headers });
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  sendJson(res, status, { error: message }, { 'x-error-code': code, 'x-error-message': message });
}

function tags(repo: FixtureRepo): string[] {
  return ['gguf', 'text-generation', `license:${repo.license}`];
}

function searchItem(repo: FixtureRepo, expand: string[]): Record<string, unknown> {
  const all: Record<string, unknown> = {
    downloads: repo.downloads, likes: repo.likes, lastModified: repo.lastModified, tags: tags(repo), gated: repo.gated, gguf: repo.gguf,
  };
  const item: Record<string, unknown> = { _id: repo.sha.slice(0, 24), id: repo.id };
  for (const field of expand.length > 0 ? expand : DEFAULT_FIELDS) if (all[field] !== undefined) item[field] = all[field];
  if (expand.length === 0) Object.assign(item, { modelId: repo.id, pipeline_tag: 'text-generation', library_name: 'gguf', private: false });
  return item;
}

function search(state: State, url: URL, res: ServerResponse): void {
  const query = (url.searchParams.get('search') ?? '').toLowerCase();
  const sort = url.searchParams.get('sort') ?? 'downloads';
  const direction = url.searchParams.get('direction') === '1' ? 1 : -1;
  const limit = Math.min(MAX_LIMIT, Math.max(1, Number(url.searchParams.get('limit') ?? DEFAULT_LIMIT) || DEFAULT_LIMIT));
  const offset = Number(Buffer.from(url.searchParams.get('cursor') ?? '', 'base64url').toString() || '0') || 0;
  const key = (repo: FixtureRepo): number => (sort === 'likes' ? repo.likes : sort === 'lastModified' ? Date.parse(repo.lastModified) : repo.downloads);
  const matches = state.repos.filter((repo) => repo.id.toLowerCase().includes(query)).sort((a, b) => direction * (key(a) - key(b)));
  const page = matches.slice(offset, offset + limit);
  const headers: Record<string, string> = {};
  if (offset + limit < matches.length) {
    const next = new URL(url.toString(), state.endpoint);
    next.searchParams.set('cursor', Buffer.from(String(offset + limit)).toString('base64url'));
    headers.link = `<${state.endpoint}${next.pathname}${next.search}>; rel="next"`;
  }
  sendJson(res, 200, page.map((repo) => searchItem(repo, url.searchParams.getAll('expand[]'))), headers);
}

function gitOid(file: FixtureFile): string {
  return (file.sha256 ?? Buffer.from(file.path).toString('hex')).slice(0, 40).padEnd(40, '0');
}

function modelInfo(repo: FixtureRepo, blobs: boolean): Record<string, unknown> {
  return {
    _id: repo.sha.slice(0, 24), id: repo.id, modelId: repo.id, sha: repo.sha, lastModified: repo.lastModified, private: false, disabled: false,
    gated: repo.gated, downloads: repo.downloads, likes: repo.likes, tags: tags(repo), pipeline_tag: 'text-generation', library_name: 'gguf',
    cardData: { license: repo.license, ...(repo.licenseName ? { license_name: repo.licenseName } : {}) }, ...(repo.gguf ? { gguf: repo.gguf } : {}),
    siblings: repo.files.map((file) => ({
      rfilename: file.path,
      ...(blobs ? { blobId: gitOid(file), size: file.bytes.length } : {}),
      ...(blobs && file.sha256 ? { lfs: { sha256: file.sha256, size: file.bytes.length, pointerSize: 135 } } : {}),
    })),
  };
}

function treeEntries(repo: FixtureRepo): unknown[] {
  return repo.files.map((file) => ({
    type: 'file', oid: gitOid(file), size: file.bytes.length, path: file.path,
    ...(file.sha256 ? { lfs: { oid: file.sha256, size: file.bytes.length, pointerSize: 135 } } : {}),
  }));
}

function resolveFile(state: State, req: IncomingMessage, res: ServerResponse, repo: FixtureRepo, revision: string, filePath: string): void {
  const auth = req.headers.authorization;
  if (repo.gated !== false && auth !== `Bearer ${FIXTURE_GRANTED_TOKEN}`) {
    const message = `Access to model ${repo.id} is restricted. You must have access to it and be authenticated to access it.`;
    sendError(res, auth ? 403 : 401, 'GatedRepo', message);
    return;
  }
  if (revision !== 'main' && revision !== repo.sha) return sendError(res, 404, 'RevisionNotFound', `Invalid rev id: ${revision}`);
  const file = repo.files.find((f) => f.path === filePath);
  if (!file) return sendError(res, 404, 'EntryNotFound', `${filePath} does not exist on "${revision}"`);
  const common = { 'x-repo-commit': repo.sha, etag: `"${file.sha256 ?? gitOid(file)}"` };
  if (!file.sha256) {
    res.writeHead(200, { ...common, 'content-type': 'text/plain; charset=utf-8', 'content-length': file.bytes.length });
    res.end(req.method === 'HEAD' ? undefined : file.bytes);
    return;
  }
  res.writeHead(302, {
    ...common,
    location: `${state.cdnEndpoint}/blobs/${file.sha256}?repo=${encodeURIComponent(repo.id)}`,
    'x-linked-etag': `"${file.sha256}"`,
    'x-linked-size': String(file.bytes.length),
    'content-length': 0,
  });
  res.end();
}

function handleHub(state: State, req: IncomingMessage, res: ServerResponse): void {
  record(state, 'hub', req);
  if (state.rateLimit.remaining > 0) {
    state.rateLimit.remaining--;
    const seconds = String(state.rateLimit.seconds);
    res.writeHead(429, { 'retry-after': seconds, ratelimit: `"api";r=0;t=${seconds}`, 'ratelimit-policy': '"fixed window";"api";q=500;w=300', 'content-length': 0 });
    res.end();
    return;
  }
  const url = new URL(req.url ?? '/', state.endpoint);
  const segments = url.pathname.split('/').slice(1).map(decodeURIComponent);
  const findRepo = (owner?: string, name?: string): FixtureRepo | undefined => state.repos.find((r) => r.id === `${owner}/${name}` && r.files.length > 0);
  const notFound = (): void => sendError(res, req.headers.authorization ? 404 : 401, 'RepoNotFound', 'Repository not found');
  if (segments[0] === 'api' && segments[1] === 'models') {
    if (segments.length === 2) return search(state, url, res);
    const repo = findRepo(segments[2], segments[3]);
    if (!repo) return notFound();
    const rest = segments.slice(4);
    if (rest.length === 0) return sendJson(res, 200, modelInfo(repo, url.searchParams.get('blobs') === 'true'));
    if ((rest[0] === 'revision' || rest[0] === 'tree') && rest[1] !== 'main' && rest[1] !== repo.sha) {
      return sendError(res, 404, 'RevisionNotFound', `Invalid rev id: ${rest[1]}`);
    }
    if (rest[0] === 'revision' && rest.length === 2) return sendJson(res, 200, modelInfo(repo, url.searchParams.get('blobs') === 'true'));
    if (rest[0] === 'tree' && rest.length === 2) return sendJson(res, 200, treeEntries(repo));
    return sendError(res, 404, 'EntryNotFound', 'Not found');
  }
  if (segments[2] === 'resolve' && segments.length >= 5) {
    const repo = findRepo(segments[0], segments[1]);
    if (!repo) return notFound();
    return resolveFile(state, req, res, repo, segments[3] ?? '', segments.slice(4).join('/'));
  }
  sendError(res, 404, 'NotFound', 'Not found');
}

function handleCdn(state: State, req: IncomingMessage, res: ServerResponse): void {
  record(state, 'cdn', req);
  const url = new URL(req.url ?? '/', state.cdnEndpoint);
  const sha = /^\/blobs\/([0-9a-f]{64})$/.exec(url.pathname)?.[1];
  const file = state.repos.flatMap((r) => r.files).find((f) => f.sha256 !== undefined && f.sha256 === sha);
  if (!file) {
    res.writeHead(404, { 'content-length': 0 });
    res.end();
    return;
  }
  const size = file.bytes.length;
  const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
  let start = 0;
  let end = size - 1;
  let status = 200;
  const headers: Record<string, string | number> = { 'accept-ranges': 'bytes', 'content-type': 'application/octet-stream', etag: `"${file.sha256}"` };
  if (range && state.ignoreRange > 0) {
    state.ignoreRange--;
  } else if (range) {
    start = Number(range[1]);
    end = range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
    if (start >= size || start > end) {
      res.writeHead(416, { 'content-range': `bytes */${size}`, 'content-length': 0 });
      res.end();
      return;
    }
    status = 206;
    headers['content-range'] = `bytes ${start}-${end}/${size}`;
  }
  headers['content-length'] = end - start + 1;
  res.writeHead(status, headers);
  if (req.method === 'HEAD') return void res.end();
  let body = file.bytes.subarray(start, end + 1);
  if (state.corrupted.has(file.sha256 ?? '') && body.length > 0) {
    body = Buffer.from(body);
    body[body.length - 1] = (body[body.length - 1] ?? 0) ^ 0xff;
  }
  let dropAt: number | undefined;
  if (state.drop.remaining > 0) {
    state.drop.remaining--;
    dropAt = Math.min(state.drop.afterBytes, body.length);
  }
  sendBody(res, body, dropAt, state.bytesPerSecond);
}

/**
 * Writes `body`, paced to `bytesPerSecond` when set, and destroys the socket after `dropAt`
 * bytes when set: the client then sees a body shorter than its Content-Length, as on a real
 * network loss.
 */
function sendBody(res: ServerResponse, body: Buffer, dropAt: number | undefined, bytesPerSecond: number): void {
  const limit = dropAt ?? body.length;
  const finish = (): void => {
    if (dropAt === undefined) return void res.end();
    // Destroying at once can make the client's fetch error before it hands over the bytes it
    // already buffered; a short pause models a link that dies after delivering them.
    setTimeout(() => res.socket?.destroy(), DROP_DELAY_MS);
  };
  if (bytesPerSecond <= 0) {
    res.write(body.subarray(0, limit), () => finish());
    return;
  }
  const perTick = Math.max(1, Math.round((bytesPerSecond * SLOW_TICK_MS) / 1000));
  let sent = 0;
  const timer = setInterval(() => {
    if (res.destroyed || res.writableEnded) return void clearInterval(timer);
    const next = Math.min(limit, sent + perTick);
    res.write(body.subarray(sent, next));
    sent = next;
    if (sent >= limit) {
      clearInterval(timer);
      finish();
    }
  }, SLOW_TICK_MS);
  res.on('close', () => clearInterval(timer));
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  });
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/**
 * Starts the Hub and CDN servers on free 127.0.0.1 ports; `close()` stops both.
 * @param options.extraRepos served besides the built-in ones (see `makeFixtureRepo`).
 */
export async function startHubFixtureServer(options: { extraRepos?: FixtureRepo[] } = {}): Promise<HubFixtureServer> {
  const state: State = { repos: [...(await buildFixtureRepos()), ...(options.extraRepos ?? [])], requests: [], rateLimit: { remaining: 0, seconds: 1 }, endpoint: '', cdnEndpoint: '',
    drop: { remaining: 0, afterBytes: 0 }, corrupted: new Set(), bytesPerSecond: 0, ignoreRange: 0,
  };
  const hub = createServer((req, res) => handleHub(state, req, res));
  const cdn = createServer((req, res) => handleCdn(state, req, res));
  state.endpoint = await listen(hub);
  state.cdnEndpoint = await listen(cdn);
  return {
    endpoint: state.endpoint,
    cdnEndpoint: state.cdnEndpoint,
    repos: state.repos,
    requests: state.requests,
    rateLimitNext(times, retryAfterSeconds = 1) {
      state.rateLimit = { remaining: times, seconds: retryAfterSeconds };
    },
    dropCdnAfter(afterBytes, times = 1) {
      state.drop = { remaining: times, afterBytes };
    },
    corruptFile(repo, path, corrupt = true) {
      const sha = state.repos.find((r) => r.id === repo)?.files.find((f) => f.path === path)?.sha256;
      if (sha === undefined) throw new Error(`no LFS file ${repo}/${path} in the fixture`);
      if (corrupt) state.corrupted.add(sha);
      else state.corrupted.delete(sha);
    },
    ignoreRangeNext(times) {
      state.ignoreRange = times;
    },
    slowCdn(bytesPerSecond) {
      state.bytesPerSecond = bytesPerSecond ?? 0;
    },
    file: (repo, path) => state.repos.find((r) => r.id === repo)?.files.find((f) => f.path === path),
    close: async () => {
      await Promise.all([closeServer(hub), closeServer(cdn)]);
    },
  };
}
