/**
 * The one Content-Security-Policy of the app. It is sent as a header by the headless host
 * (every response) and by the Electron entry (every response of the window's session), and
 * written into the built `index.html` as a `<meta http-equiv>` tag by a Vite plugin
 * (electron.vite.config.ts), so a page opened without either header is still covered.
 */

/** Directive name → allowed sources, in the order they are rendered. */
export type CspDirectives = Readonly<Record<string, readonly string[]>>;

export const CSP_DIRECTIVES = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  // data: for the empty favicon (`<link rel="icon" href="data:,">`).
  'img-src': ["'self'", 'data:'],
  // The headless UI talks to its host over a WebSocket on the same origin.
  'connect-src': ["'self'", 'ws:', 'wss:'],
  'font-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'frame-ancestors': ["'none'"],
} as const satisfies CspDirectives;

/**
 * Directives a policy delivered in a `<meta>` element cannot carry: browsers ignore them there
 * (with a console warning). CSP Level 3 §3.3 names `frame-ancestors`, `report-uri` and `sandbox`.
 */
export const META_IGNORED_DIRECTIVES: readonly string[] = ['frame-ancestors', 'report-uri', 'sandbox'];

/**
 * Renders a policy as the value of a `Content-Security-Policy` header, or as the `content` of a
 * `<meta http-equiv="Content-Security-Policy">` tag (the same policy minus the directives a meta
 * tag cannot carry).
 */
export function renderCsp(target: 'header' | 'meta', directives: CspDirectives = CSP_DIRECTIVES): string {
  return Object.entries(directives)
    .filter(([name]) => target === 'header' || !META_IGNORED_DIRECTIVES.includes(name))
    .map(([name, sources]) => [name, ...sources].join(' '))
    .join('; ');
}

/** The header value (the full policy). */
export const CONTENT_SECURITY_POLICY = renderCsp('header');

/** The complete `<meta http-equiv="Content-Security-Policy">` tag for the page's `<head>`. */
export function cspMetaTag(directives: CspDirectives = CSP_DIRECTIVES): string {
  const content = renderCsp('meta', directives).replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  return `<meta http-equiv="Content-Security-Policy" content="${content}" />`;
}
