/**
 * Shapes of the model hub that cross to the UI and the CLI: Hugging Face search results and
 * repos, the fit of each remote file, and downloads. Plain JSON (no classes, ISO dates); sizes
 * in bytes, speeds in bytes per second, times in seconds where named so.
 */
import type { FitEstimate } from './hardwareDto';
import type { FileTradeoff } from './benchDto';

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
  /** The model card's `license_name`, how `license: other` repos name their licence (e.g. `qwen-research`). */
  licenseName?: string;
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

/** The fit of one GGUF model of a repo. */
export interface RemoteFileFit {
  /** `HubGgufFile.name`: the single file's path, or the first part's. */
  name: string;
  quant?: string;
  /** All parts, in bytes. */
  sizeBytes: number;
  /** Null when the header could not be read or estimated; `error` says why. */
  estimate: FitEstimate | null;
  error?: string;
  /** The file the recommendation picks for this machine (fit, predicted speed and quality, by the preference). */
  recommended: boolean;
  /** Why it is recommended, one line; set on the recommended model. */
  recommendation?: string;
  /** File size over parameter count; 0 when the header was not read. */
  bitsPerWeight: number;
  /** Weights (not bytes), from the tensor list; absent when the header was not read. */
  parameterCount?: number;
  /** Bytes transferred to read the header(s) of all parts; 0 when they came from the cache. */
  headerBytesRead: number;
  /** Predicted speed here and quality loss vs F16; absent without an estimate. */
  tradeoff?: FileTradeoff;
}

export interface RemoteRepoFit {
  repo: string;
  sha: string;
  files: RemoteFileFit[];
}

/** Life cycle of one download; `done`, `failed` and `cancelled` are final until started again. */
export type DownloadState = 'queued' | 'downloading' | 'paused' | 'verifying' | 'done' | 'failed' | 'cancelled';

/** One download as the Downloads panel, `hearth pull` and the `downloads.changed` event show it. */
export interface DownloadStatus {
  id: string;
  /** `owner/repo`. */
  repo: string;
  /** Display name: the single file or the first part. */
  name: string;
  quant?: string;
  state: DownloadState;
  /** Bytes on disk for this model (finished parts plus the partial file), in bytes. */
  receivedBytes: number;
  /** Sum of all parts, in bytes. */
  totalBytes: number;
  /** Recent average, in bytes per second; 0 when not transferring. */
  bytesPerSecond: number;
  /** Seconds until done at the recent speed; absent when unknown (no speed yet). */
  etaSeconds?: number;
  /** For `failed`: what happened and what to do. */
  error?: string;
  /** The library id of the model (`owner/repo/file.gguf`), set once it is `done`. */
  modelId?: string;
  /** "Download & load": core loads the model with the recommended settings when it is done. */
  loadWhenDone?: boolean;
  /** Why that load failed (the download itself is fine). */
  loadError?: string;
}

/** A repo as the Discover view opens it: the listing plus what a pasted reference picked. */
export interface HubRepoDetail {
  repo: HubRepo;
  /** The reference as parsed (`owner/repo:Q4_K_M`, a file URL, …). */
  reference: HubModelReference;
  /** Name of the model the reference named by quant or file, when one matched. */
  selected?: string;
  /** Set when `reference` named a quant or file that the repo does not have. */
  selectionError?: string;
}
