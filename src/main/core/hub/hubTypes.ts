/**
 * Core-only shapes of the Hugging Face Hub client. The shapes that cross to the UI (search
 * results, repos, files) are declared once in `src/shared/hubDto.ts` and re-exported here.
 */
import type { HubSort } from '../../../shared/hubDto';

export type { HubSort, HubGated, HubModelSummary, HubSearchPage, HubFilePart, HubGgufFile, HubRepo, HubModelReference } from '../../../shared/hubDto';

export interface HubSearchOptions {
  /** Free text matched by the Hub against repo ids; empty lists all GGUF repos. */
  query?: string;
  /** Default `downloads`. */
  sort?: HubSort;
  /** Results per page, 1…100; default 20. */
  limit?: number;
  /** `nextCursor` of the previous page; the other options are then taken from it. */
  cursor?: string;
  signal?: AbortSignal;
}

/** What a HEAD on a `resolve` URL says about a file, without following the CDN redirect. */
export interface HubFileHead {
  /** Commit the revision resolved to. */
  commit?: string;
  /** Lowercase hex sha256 from `X-Linked-Etag` (LFS files only). */
  sha256?: string;
  /** In bytes, from `X-Linked-Size` else `Content-Length`. */
  size?: number;
  /** Where the bytes are (the CDN URL), if the Hub redirected. */
  location?: string;
}
