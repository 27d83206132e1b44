import { AppError } from '../../../shared/errors';
import { groupGgufFiles } from './grouping';
import { HubHttp, type HubHttpOptions, type HubResponse } from './hubHttp';
import { normalizeEndpoint } from './hubToken';
import type { HubFileHead, HubFilePart, HubGated, HubModelSummary, HubRepo, HubSearchOptions, HubSearchPage } from './hubTypes';
import { parseModelReference } from './modelReference';

export interface HubClientOptions extends Omit<HubHttpOptions, 'endpoint'> {
  /** `HF_ENDPOINT` or https://huggingface.co; the caller reads the environment (see resolveHubEndpoint). */
  endpoint: string;
}

/**
 * Fields asked for in search. With `expand[]` the Hub returns ONLY these (plus `id`), so
 * every field the summary reads must be listed.
 */
const SEARCH_FIELDS = ['downloads', 'likes', 'lastModified', 'tags', 'gated', 'gguf'] as const;
const MAX_LIMIT = 100;
/** The tree endpoint pages at 1 000 entries; GGUF repos are far smaller, so a few pages suffice. */
const MAX_TREE_PAGES = 20;

interface RawSearchItem {
  id?: string;
  modelId?: string;
  downloads?: number;
  likes?: number;
  lastModified?: string;
  tags?: string[];
  gated?: unknown;
  gguf?: { total?: number; architecture?: string; context_length?: number };
}

interface RawSibling {
  rfilename: string;
  size?: number;
  lfs?: { sha256?: string; size?: number };
}

interface RawRepo {
  id?: string;
  sha?: string;
  gated?: unknown;
  tags?: string[];
  cardData?: { license?: string | string[]; license_name?: string };
  siblings?: RawSibling[];
}

interface RawTreeEntry {
  type: string;
  path: string;
  size?: number;
  lfs?: { oid?: string; size?: number };
}

/** Client for the Hugging Face Hub HTTP API (search, repo detail, file URLs, file bytes). */
export class HubClient {
  readonly endpoint: string;
  private readonly http: HubHttp;

  constructor(options: HubClientOptions) {
    this.endpoint = normalizeEndpoint(options.endpoint);
    this.http = new HubHttp({ ...options, endpoint: this.endpoint });
  }

  /** Parses a pasted reference, also accepting URLs of the configured mirror. */
  parseReference(text: string) {
    return parseModelReference(text, new URL(this.endpoint).host);
  }

  /** GGUF repos matching `query`, most downloaded / liked / recently updated first. */
  async search(options: HubSearchOptions = {}): Promise<HubSearchPage> {
    const url = options.cursor !== undefined ? this.checkCursor(options.cursor) : this.searchUrl(options);
    const { body, response } = await this.http.json<RawSearchItem[]>(url, { signal: options.signal });
    if (!Array.isArray(body)) throw new AppError('INTERNAL', `${new URL(this.endpoint).host} answered the search with something that is not a list.`);
    const next = nextLink(response.headers.get('link'));
    return { models: body.map(toSummary).filter((m): m is HubModelSummary => m !== undefined), ...(next ? { nextCursor: next } : {}) };
  }

  /** A repo's commit, licence, gate and GGUF models grouped by quantization. */
  async getRepo(repo: string, options: { revision?: string; signal?: AbortSignal } = {}): Promise<HubRepo> {
    const path = options.revision ? `${repoPath(repo)}/revision/${encodeURIComponent(options.revision)}` : repoPath(repo);
    const { body } = await this.http.json<RawRepo>(`${this.endpoint}/api/models/${path}?blobs=true`, { signal: options.signal, subject: { repo } });
    const files: HubFilePart[] = (body.siblings ?? []).map((s) => ({
      path: s.rfilename,
      size: s.lfs?.size ?? s.size ?? 0,
      ...(s.lfs?.sha256 ? { sha256: s.lfs.sha256.toLowerCase() } : {}),
    }));
    const license = licenseOf(body.cardData?.license, body.tags);
    // `license: other` repos name their licence here (e.g. `qwen-research`); the licence check reads it.
    const licenseName = typeof body.cardData?.license_name === 'string' ? body.cardData.license_name : undefined;
    return {
      id: body.id ?? repo,
      sha: body.sha ?? '',
      ...(license ? { license } : {}),
      ...(licenseName ? { licenseName } : {}),
      gated: gatedOf(body.gated),
      files: groupGgufFiles(files),
    };
  }

  /** Every file of the repo at `revision` (default `main`), via the tree endpoint, with LFS sha256. */
  async listFiles(repo: string, options: { revision?: string; signal?: AbortSignal } = {}): Promise<HubFilePart[]> {
    const files: HubFilePart[] = [];
    let url: string | undefined = `${this.endpoint}/api/models/${repoPath(repo)}/tree/${encodeURIComponent(options.revision ?? 'main')}?recursive=true`;
    for (let page = 0; url !== undefined && page < MAX_TREE_PAGES; page++) {
      const result: { body: RawTreeEntry[]; response: Response } = await this.http.json<RawTreeEntry[]>(url, { signal: options.signal, subject: { repo } });
      for (const entry of result.body) {
        if (entry.type !== 'file') continue;
        files.push({ path: entry.path, size: entry.lfs?.size ?? entry.size ?? 0, ...(entry.lfs?.oid ? { sha256: entry.lfs.oid.toLowerCase() } : {}) });
      }
      url = nextLink(result.response.headers.get('link'));
    }
    return files;
  }

  /** The `resolve` URL of a file; the Hub redirects it to the CDN for LFS files. */
  fileUrl(repo: string, path: string, revision = 'main'): string {
    const encodedPath = path.split('/').map(encodeURIComponent).join('/');
    return `${this.endpoint}/${repoPath(repo)}/resolve/${encodeURIComponent(revision)}/${encodedPath}`;
  }

  /** HEAD of a file without following the redirect: commit, sha256, size, CDN location. */
  async headFile(repo: string, path: string, options: { revision?: string; signal?: AbortSignal } = {}): Promise<HubFileHead> {
    const { response, done } = await this.http.send(this.fileUrl(repo, path, options.revision), {
      method: 'HEAD',
      followRedirects: false,
      signal: options.signal,
      subject: { repo, path },
    });
    done();
    const headers = response.headers;
    const etag = headers.get('x-linked-etag') ?? headers.get('etag') ?? undefined;
    const sha256 = etag?.replace(/^W\//, '').replace(/"/g, '').toLowerCase();
    const size = Number(headers.get('x-linked-size') ?? headers.get('content-length') ?? Number.NaN);
    const location = headers.get('location');
    const commit = headers.get('x-repo-commit');
    return {
      ...(commit ? { commit } : {}),
      ...(sha256 && /^[0-9a-f]{64}$/.test(sha256) ? { sha256 } : {}),
      ...(Number.isSafeInteger(size) ? { size } : {}),
      ...(location ? { location: new URL(location, this.fileUrl(repo, path, options.revision)).toString() } : {}),
    };
  }

  /**
   * Opens a file's bytes, following the CDN redirect without the token, from `offset` bytes
   * on (`Range: bytes=N-`). Check `response.status`: 206 continues at `offset`, 200 means the
   * server sent the whole file. The timeout covers only the headers: detecting a stalled body
   * is the downloader's job, since large files legitimately take hours.
   */
  async openFile(repo: string, path: string, options: { revision?: string; offset?: number; signal?: AbortSignal } = {}): Promise<HubResponse> {
    const offset = options.offset ?? 0;
    const opened = await this.http.send(this.fileUrl(repo, path, options.revision), {
      headers: offset > 0 ? { range: `bytes=${offset}-` } : {},
      signal: options.signal,
      subject: { repo, path },
    });
    opened.done();
    return opened;
  }

  private searchUrl(options: HubSearchOptions): string {
    const limit = Math.min(MAX_LIMIT, Math.max(1, Math.floor(options.limit ?? 20)));
    const params = new URLSearchParams({ search: options.query?.trim() ?? '', filter: 'gguf', sort: options.sort ?? 'downloads', direction: '-1', limit: String(limit) });
    for (const field of SEARCH_FIELDS) params.append('expand[]', field);
    return `${this.endpoint}/api/models?${params.toString()}`;
  }

  /** A cursor is a next-page URL from the Hub; refuse one for another server so it cannot redirect our requests. */
  private checkCursor(cursor: string): string {
    let url: URL;
    try {
      url = new URL(cursor);
    } catch {
      throw new AppError('BAD_REQUEST', 'The search cursor is malformed: start the search again.');
    }
    if (url.origin !== new URL(this.endpoint).origin || !url.pathname.endsWith('/api/models')) {
      throw new AppError('BAD_REQUEST', 'The search cursor belongs to another server: start the search again.');
    }
    return url.toString();
  }
}

function repoPath(repo: string): string {
  const parts = repo.split('/');
  if (parts.length !== 2 || parts.some((p) => p === '' || p === '.' || p === '..')) throw new AppError('BAD_REQUEST', `"${repo}" is not an owner/repo id.`);
  return parts.map(encodeURIComponent).join('/');
}

/** Target of `rel="next"` in a `Link` header. */
function nextLink(header: string | null): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(',')) {
    const match = /<([^>]+)>\s*;\s*rel="?next"?/i.exec(part.trim());
    if (match) return match[1];
  }
  return undefined;
}

function gatedOf(value: unknown): HubGated {
  return value === 'auto' || value === 'manual' ? value : value === true ? 'manual' : false;
}

function licenseOf(cardLicense: string | string[] | undefined, tags: string[] | undefined): string | undefined {
  const fromCard = Array.isArray(cardLicense) ? cardLicense[0] : cardLicense;
  return fromCard ?? tags?.find((tag) => tag.startsWith('license:'))?.slice('license:'.length);
}

function toSummary(item: RawSearchItem): HubModelSummary | undefined {
  const id = item.id ?? item.modelId;
  if (typeof id !== 'string') return undefined;
  const license = licenseOf(undefined, item.tags);
  const gguf = item.gguf;
  return {
    id,
    downloads: item.downloads ?? 0,
    likes: item.likes ?? 0,
    ...(item.lastModified ? { lastModified: item.lastModified } : {}),
    ...(license ? { license } : {}),
    gated: gatedOf(item.gated),
    ...(typeof gguf?.total === 'number' ? { parameterCount: gguf.total } : {}),
    ...(typeof gguf?.architecture === 'string' ? { architecture: gguf.architecture } : {}),
    ...(typeof gguf?.context_length === 'number' ? { contextLength: gguf.context_length } : {}),
  };
}
