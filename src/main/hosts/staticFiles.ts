import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
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
  const isHtml = extname(filePath) === '.html';
  response.writeHead(200, {
    ...securityHeaders(),
    ...extraHeaders,
    'Content-Type': CONTENT_TYPES[extname(filePath)] ?? 'application/octet-stream',
    'Content-Length': String(info.size),
    // Hashed assets may be cached; the page itself must not be, so a rebuilt app is picked up.
    'Cache-Control': isHtml ? 'no-store' : 'public, max-age=31536000, immutable',
  });
  createReadStream(filePath).pipe(response);
  return true;
}
