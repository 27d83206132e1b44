import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { hostname } from 'node:os';

/**
 * Who may talk to the headless host. Two independent checks, both required:
 * - the `Host` header must name this server (loopback names, the bound address, this machine's
 *   name, or any IP literal when bound to all interfaces), which defeats DNS rebinding;
 * - the request must carry the session token (query `?token=`, `Authorization: Bearer`, or the
 *   cookie set when the printed URL was opened).
 */
export class AccessGuard {
  readonly cookieName: string;
  private readonly tokenBytes: Buffer;
  private readonly allowedHostNames: Set<string>;
  private readonly anyIpHost: boolean;

  constructor(
    private readonly token: string,
    bindHost: string,
    private readonly port: number,
  ) {
    this.tokenBytes = Buffer.from(token);
    // Cookies are shared across ports of one host, so the port is part of the name.
    this.cookieName = `hearth_token_${port}`;
    const wildcard = bindHost === '0.0.0.0' || bindHost === '::';
    this.anyIpHost = wildcard;
    this.allowedHostNames = new Set(['127.0.0.1', 'localhost', '[::1]', stripBrackets(bindHost).toLowerCase()]);
    if (wildcard) this.allowedHostNames.add(hostname().toLowerCase());
  }

  /** True when the `Host` header names this server (and the right port). */
  hostAllowed(hostHeader: string | undefined): boolean {
    if (!hostHeader) return false;
    const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(hostHeader.trim().toLowerCase());
    if (!match) return false;
    const name = match[1]!;
    if (match[2] !== undefined && Number(match[2]) !== this.port) return false;
    if (this.allowedHostNames.has(name) || this.allowedHostNames.has(stripBrackets(name))) return true;
    return this.anyIpHost && isIP(stripBrackets(name)) !== 0;
  }

  /**
   * True when the request target is a path (`/x`), or an absolute URL that names this server
   * (`GET http://127.0.0.1:8317/ HTTP/1.1`, which HTTP/1.1 allows): a request line naming another
   * host must not slip past the `Host` check. `*` and authority forms are refused.
   */
  targetAllowed(target: string | undefined): boolean {
    if (!target) return false;
    if (target.startsWith('/')) return !target.startsWith('//');
    try {
      const url = new URL(target);
      return (url.protocol === 'http:' || url.protocol === 'ws:') && this.hostAllowed(url.host);
    } catch {
      return false;
    }
  }

  /** True when an `Origin` header, if present, is this server (browsers send it on WebSocket upgrades). */
  originAllowed(origin: string | undefined): boolean {
    if (!origin) return true;
    try {
      const url = new URL(origin);
      return (url.protocol === 'http:' || url.protocol === 'https:') && this.hostAllowed(url.host);
    } catch {
      return false;
    }
  }

  /** The token from query, bearer header or cookie, if any matches. `viaQuery` says where it came from. */
  authenticate(request: IncomingMessage, url: URL): { ok: boolean; viaQuery: boolean } {
    const fromQuery = url.searchParams.get('token');
    if (fromQuery !== null && this.matches(fromQuery)) return { ok: true, viaQuery: true };
    const header = request.headers.authorization;
    if (header?.startsWith('Bearer ') && this.matches(header.slice(7))) return { ok: true, viaQuery: false };
    const cookie = readCookie(request.headers.cookie, this.cookieName);
    if (cookie !== undefined && this.matches(cookie)) return { ok: true, viaQuery: false };
    return { ok: false, viaQuery: false };
  }

  /** Set-Cookie value that keeps the browser signed in for this server only. */
  sessionCookie(): string {
    return `${this.cookieName}=${this.token}; Path=/; HttpOnly; SameSite=Strict`;
  }

  private matches(candidate: string): boolean {
    const bytes = Buffer.from(candidate);
    return bytes.length === this.tokenBytes.length && timingSafeEqual(bytes, this.tokenBytes);
  }
}

function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
