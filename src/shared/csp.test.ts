import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, CSP_DIRECTIVES, META_IGNORED_DIRECTIVES, cspMetaTag, renderCsp } from './csp';

/** Parses a policy string into `directive → sources`, the way a browser splits it. */
function parse(policy: string): Map<string, string> {
  return new Map(
    policy
      .split(';')
      .map((part) => part.trim())
      .filter(Boolean)
      .map((part) => {
        const [name = '', ...sources] = part.split(/\s+/);
        return [name, sources.join(' ')] as const;
      }),
  );
}

function metaContent(tag: string): string {
  const match = /^<meta http-equiv="Content-Security-Policy" content="([^"]*)" \/>$/.exec(tag);
  if (!match?.[1]) throw new Error(`not a CSP meta tag: ${tag}`);
  return match[1].replace(/&quot;/g, '"').replace(/&amp;/g, '&');
}

describe('content security policy', () => {
  it('keeps the header policy the app has always sent', () => {
    expect(CONTENT_SECURITY_POLICY).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
        "connect-src 'self' ws: wss:; font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
    );
  });

  it('renders the meta tag as the header policy minus the directives a meta tag cannot carry', () => {
    const header = parse(CONTENT_SECURITY_POLICY);
    const meta = parse(metaContent(cspMetaTag()));
    for (const name of META_IGNORED_DIRECTIVES) header.delete(name);
    expect([...meta]).toEqual([...header]);
    expect(meta.has('frame-ancestors')).toBe(false);
    expect(meta.get('script-src')).toBe("'self'");
  });

  it('drops every meta-ignored directive and escapes the attribute', () => {
    const odd = 'https://example.test/?a=1&b="2"';
    const directives = { ...CSP_DIRECTIVES, 'img-src': [odd], sandbox: [], 'report-uri': ['https://example.test/csp'] };
    expect(renderCsp('header', directives)).toContain('sandbox; report-uri https://example.test/csp');
    const tag = cspMetaTag(directives);
    expect(tag).not.toMatch(/sandbox|report-uri|frame-ancestors/);
    expect(tag).toContain('img-src https://example.test/?a=1&amp;b=&quot;2&quot;;');
    expect(metaContent(tag)).toBe(renderCsp('meta', directives));
  });
});
