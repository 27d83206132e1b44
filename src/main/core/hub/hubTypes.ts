/**
 * Data shapes of the Hugging Face Hub client.
 *
 * They live here while the hub slice is built; the IPC contract will move them to src/shared
 * (they are plain JSON on purpose: no classes, no Dates) when the Discover UI needs them.
 */

/** Search order; the Hub always sorts descending for us (most first / newest first). */
export type HubSort = 'downloads' | 'likes' | 'lastModified';

/** Gate of a repo: `false` = open; `auto` / `manual` = terms must be accepted on huggingface.co. */
export type HubGated = false | 'auto' | 'manual';

/** One search result. */
export interface HubModelSummary {
  /** `owner/repo`. */
  id: string;
  downloads: number;
  likes: number;
  /** ISO 8601 time of the last commit, when the Hub gave it. */
  lastModified?: string;
  /** SPDX-like id from the `license:*` tag, e.g. `apache-2.0`, `llama3.1`, `other`. */
  license?: string;
  gated: HubGated;
  /** From the GGUF header the Hub indexed: parameter count (weights, not bytes). */
  parameterCount?: number;
  /** From the GGUF header, e.g. `llama`, `qwen2`. */
  architecture?: string;
  /** Training context length, in tokens. */
  contextLength?: number;
}

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

export interface HubSearchPage {
  models: HubModelSummary[];
  /** Opaque; pass back as `cursor` for the next page. Absent on the last page. */
  nextCursor?: string;
}

/** One file of a (possibly split) GGUF model. */
export interface HubFilePart {
  /** Path inside the repo, e.g. `Qwen2.5-7B-Q4_K_M-00001-of-00002.gguf`. */
  path: string;
  /** In bytes. */
  size: number;
  /** Lowercase hex sha256 of the content, when the file is stored with LFS (GGUF files are). */
  sha256?: string;
}

/** One downloadable GGUF model: a single file or all parts of a split file. */
export interface HubGgufFile {
  /** Display name: the path of the single file or of the first part. */
  name: string;
  /** Normalized upper-case quantization, e.g. `Q4_K_M`, `IQ2_XXS`, `BF16`; absent if the name has none. */
  quant?: string;
  /** Sum of all parts, in bytes. */
  size: number;
  /** In load order; the first part is the one given to llama.cpp. */
  parts: HubFilePart[];
  /** A multimodal projector (`mmproj`), not a model on its own. */
  projector: boolean;
}

export interface HubRepo {
  /** `owner/repo` as the Hub spells it. */
  id: string;
  /** Commit sha the listing was taken at; download by this to get exactly these files. */
  sha: string;
  license?: string;
  gated: HubGated;
  /** GGUF models, ordered by quantization (smallest bits first), then name. */
  files: HubGgufFile[];
}

/** What a pasted reference names. */
export interface HubModelReference {
  /** `owner/repo`. */
  repo: string;
  /** Upper-case quantization from `:Q4_K_M` or from a file name. */
  quant?: string;
  /** Path inside the repo when a file URL was pasted. */
  file?: string;
  /** Branch, tag or commit from a `/blob/<rev>/`, `/resolve/<rev>/` or `/tree/<rev>` URL. */
  revision?: string;
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
