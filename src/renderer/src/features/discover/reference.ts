/**
 * The search box of Discover takes either words to search for or a repo reference pasted from
 * the Hub. And a repo page has its own address, `#/discover/<owner>/<repo>`, so it can be linked.
 */

/**
 * True when `text` names a repo rather than words to search: `owner/repo`, `owner/repo:Q4_K_M`,
 * `hf.co/owner/repo`, a huggingface.co URL. Rule: it contains a `/` and no whitespace (words with
 * a slash and a space, "llama 3/4", are a search).
 */
export function looksLikeReference(text: string): boolean {
  const trimmed = text.trim();
  return trimmed.includes('/') && !/\s/.test(trimmed);
}

const PREFIX = '#/discover';

/** The address of a repo page; a reference with a quant or a URL is kept whole (encoded). */
export function repoHref(reference: string): string {
  const trimmed = reference.trim();
  // A plain `owner/repo` reads best as two path segments; anything else goes in one encoded segment.
  if (/^[\w.-]+\/[\w.-]+$/.test(trimmed)) return `${PREFIX}/${trimmed}`;
  return `${PREFIX}/${encodeURIComponent(trimmed)}`;
}

/** The repo reference a `#/discover/…` address names, or null for the search page. */
export function referenceFromHash(hash: string): string | null {
  if (!hash.startsWith(PREFIX)) return null;
  const rest = hash.slice(PREFIX.length).replace(/^\//, '').split('?')[0] ?? '';
  if (rest === '') return null;
  try {
    return decodeURIComponent(rest);
  } catch {
    return rest;
  }
}
