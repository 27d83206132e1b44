import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlibConstants, gzip } from 'node:zlib';
import { CONTENT_SECURITY_POLICY } from '../../shared/csp';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};

/** Text types worth compressing (images and fonts are compressed already). */
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.svg', '.map']);
/** Below this the headers outweigh the saving. */
const MIN_COMPRESS_BYTES = 1024;

export type ContentEncoding = 'br' | 'gzip';

/**
 * The encoding to answer with, from an `Accept-Encoding` header: brotli when accepted (smaller),
 * else gzip, else none. An encoding with `q=0` is refused; `*` accepts both.
 */
export function pickEncoding(acceptEncoding: string | undefined): ContentEncoding | undefined {
  if (!acceptEncoding) return undefined;
  const accepted = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    accepted.set(name.trim(), q === undefined ? 1 : Number(q));
  }
  const ok = (name: ContentEncoding) => (accepted.get(name) ?? accepted.get('*') ?? 0) > 0;
  if (ok('br')) return 'br';
  if (ok('gzip')) return 'gzip';
  return undefined;
}

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/**
 * Compressed copies of the built files, made on first request and kept: the files are immutable
 * build output (hashed names), so each is compressed once per process. Keyed by path, size and
 * mtime so a rebuild under `hearth serve` is picked up. Brotli at quality 9: close to 11's size
 * at a fraction of the time, which matters on the first request on a slow CPU.
 */
const compressedCache = new Map<string, Promise<Buffer>>();

function compressedFile(filePath: string, info: { size: number; mtimeMs: number }, encoding: ContentEncoding): Promise<Buffer> {
  const key = `${encoding}:${info.size}:${info.mtimeMs}:${filePath}`;
  let pending = compressedCache.get(key);
  if (!pending) {
    pending = readFile(filePath).then((bytes) =>
      encoding === 'br'
        ? brotli(bytes, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 9, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: bytes.length } })
        : gzipAsync(bytes, { level: 9 }),
    );
    compressedCache.set(key, pending);
    pending.catch(() => compressedCache.delete(key));
  }
  return pending;
}

/** Headers for every response; the CSP is sent as a header too so it also covers non-HTML responses. */
export function securityHeaders(): Record<string, string> {
  return {
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
  };
}

/**
 * Serves a file of the built renderer. Paths are confined to `root`; `/` is `index.html`.
 * Returns false when there is no such file, so the caller can answer 404.
 */
export async function serveStatic(
  root: string,
  pathname: string,
  response: ServerResponse,
  extraHeaders: Record<string, string>,
  /** The request's `Accept-Encoding`: text files are sent brotli- or gzip-compressed when it allows. */
  acceptEncoding?: string,
): Promise<boolean> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return false;
  }
  const relativePath = decoded === '/' ? 'index.html' : decoded.replace(/^\/+/, '');
  const filePath = normalize(join(root, relativePath));
  if (filePath !== root && !filePath.startsWith(root.endsWith(sep) ? root : root + sep)) return false;
  const info = await stat(filePath).catch(() => undefined);
  if (!info?.isFile()) return false;
  const extension = extname(filePath);
  const isHtml = extension === '.html';
  const headers = {
    ...securityHeaders(),
    ...extraHeaders,
    'Content-Type': CONTENT_TYPES[extension] ?? 'application/octet-stream',
    // Hashed assets may be cached; the page itself must not be, so a rebuilt app is picked up.
    'Cache-Control': isHtml ? 'no-store' : 'public, max-age=31536000, immutable',
  };
  const compressible = COMPRESSIBLE.has(extension) && info.size >= MIN_COMPRESS_BYTES;
  const encoding = compressible ? pickEncoding(acceptEncoding) : undefined;
  if (encoding) {
    const body = await compressedFile(filePath, info, encoding);
    response.writeHead(200, { ...headers, 'Content-Encoding': encoding, Vary: 'Accept-Encoding', 'Content-Length': String(body.length) });
    response.end(body);
    return true;
  }
  response.writeHead(200, { ...headers, ...(compressible ? { Vary: 'Accept-Encoding' } : {}), 'Content-Length': String(info.size) });
  createReadStream(filePath).pipe(response);
  return true;
}
