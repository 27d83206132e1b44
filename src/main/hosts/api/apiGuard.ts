import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { isLoopbackHost } from '../../core/server/apiServerController';
import { AccessGuard } from '../accessGuard';

export interface ApiGuardOptions {
  bindHost: string;
  port: number;
  /** Bearer key clients must send; undefined = no key. */
  apiKey?: string | undefined;
  /** Origins allowed to call from a browser (`*` = any); empty = none. */
  corsOrigins: readonly string[];
}

/** Headers a preflight may ask for, in the syntax of `Access-Control-Request-Headers`. */
const HEADER_LIST = /^[A-Za-z0-9-]+(\s*,\s*[A-Za-z0-9-]+)*$/;

/**
 * Who may use the API server:
 * - `Host` must name this server while it is bound to loopback (defeats DNS rebinding: a web page
 *   whose name was re-pointed at 127.0.0.1 sends its own name). Bound to the LAN it is not checked,
 *   because clients there use names and addresses Hearth cannot know (the "Invalid host header"
 *   other servers give on LAN); the API key protects it there;
 * - a browser request (one with `Origin`) must come from an allowed origin, else it is refused
 *   outright — without CORS a page could still *send* a simple POST and make the engine work;
 * - with an API key, `Authorization: Bearer <key>`, compared in constant time.
 */
export class ApiGuard {
  private readonly hosts: AccessGuard;
  private readonly loopback: boolean;
  private readonly keyDigest: Buffer | undefined;
  private readonly origins: Set<string>;
  private readonly anyOrigin: boolean;

  constructor(options: ApiGuardOptions) {
    // Only AccessGuard's Host and request-target checks are used; its session token never is.
    this.hosts = new AccessGuard(randomBytes(24).toString('base64url'), options.bindHost, options.port);
    this.loopback = isLoopbackHost(options.bindHost);
    this.keyDigest = options.apiKey !== undefined ? digest(options.apiKey) : undefined;
    this.anyOrigin = options.corsOrigins.includes('*');
    this.origins = new Set(options.corsOrigins.filter((origin) => origin !== '*').map(normaliseOrigin));
  }

  hostAllowed(hostHeader: string | undefined): boolean {
    return !this.loopback || this.hosts.hostAllowed(hostHeader);
  }

  /** The request line names a path (or, in absolute form, this server). */
  targetAllowed(target: string | undefined): boolean {
    if (!this.loopback) return target !== undefined && target.startsWith('/') && !target.startsWith('//');
    return this.hosts.targetAllowed(target);
  }

  /** True when `origin` may call (always false when CORS is off). */
  originAllowed(origin: string): boolean {
    return this.anyOrigin || this.origins.has(normaliseOrigin(origin));
  }

  /** True when no key is set, or the `Authorization` header carries it. */
  authorized(authorization: string | undefined): boolean {
    if (!this.keyDigest) return true;
    const match = /^Bearer\s+(.+)$/i.exec(authorization ?? '');
    if (!match) return false;
    // Digests have one length whatever was sent, so the comparison time says nothing about the key.
    return timingSafeEqual(digest(match[1]!.trim()), this.keyDigest);
  }

  /** Headers that let an allowed origin read the answer (none for other requests). */
  corsHeaders(origin: string | undefined): Record<string, string> {
    if (origin === undefined || !this.originAllowed(origin)) return {};
    return { 'Access-Control-Allow-Origin': origin, Vary: 'Origin', 'Access-Control-Expose-Headers': 'Retry-After' };
  }

  /** The answer to a preflight from an allowed origin: the methods, and the headers it asked for. */
  preflightHeaders(origin: string, requestedHeaders: string | undefined): Record<string, string> {
    const asked = requestedHeaders?.trim() ?? '';
    return {
      ...this.corsHeaders(origin),
      'Access-Control-Allow-Methods': 'GET, POST, DELETE, OPTIONS',
      'Access-Control-Allow-Headers': asked !== '' && HEADER_LIST.test(asked) ? asked : 'Authorization, Content-Type',
      'Access-Control-Max-Age': '600',
    };
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function normaliseOrigin(origin: string): string {
  try {
    return new URL(origin).origin.toLowerCase();
  } catch {
    return origin.toLowerCase();
  }
}
