/**
 * Reads a GGUF header over HTTP with node-llama-cpp's network reader, counting the bytes that
 * actually came over the wire.
 *
 * How that reader fetches (node-llama-cpp 3.22, gguf/fileReaders/GgufNetworkFetchFileReader):
 * global `fetch` with `Range: bytes=<have>-<need + 4 MiB>` per step, so a header costs its own
 * size plus at most 4 MiB; `fetch` follows redirects itself. It also adds an implicit HF token
 * (HF_TOKEN, then $HF_HOME/token) as a fallback header whenever the URL's host name equals the
 * Hub endpoint's (port ignored), which would send it to a CDN on the same host name: we pass an
 * endpoint that matches no host, so only the headers given here are ever sent.
 */
import diagnostics from 'node:diagnostics_channel';
import { readGgufFileInfo, type GgufFileInfo } from 'node-llama-cpp';

/** The vocabulary is most of a header's bytes and no estimate needs it (see FitService). */
const IGNORED_KEYS = ['tokenizer.ggml.tokens', 'tokenizer.ggml.scores', 'tokenizer.ggml.token_type', 'tokenizer.ggml.merges'];
/** A host name no URL has, so node-llama-cpp never treats ours as the Hub (see above). */
const NO_IMPLICIT_TOKEN_ENDPOINT = 'https://hearth-no-implicit-token.invalid/';
/** Few, short retries: a Discover page must not hang for minutes on one bad file (the library default retries 10× up to 16 s). */
const FETCH_RETRIES = { retries: 2, factor: 2, minTimeout: 250, maxTimeout: 1_000 };

export interface RemoteHeader {
  info: GgufFileInfo;
  /** Response body bytes received while reading the header (sum of `Content-Length`s). */
  bytesRead: number;
}

/** Byte counters per request URL (origin + path + query), fed by undici's diagnostics channel. */
const counters = new Map<string, Set<{ bytes: number }>>();
let subscribed = false;

interface UndiciHeadersMessage {
  request: { origin?: string | URL; path?: string };
  response: { headers: (Buffer | string)[] };
}

function onResponseHeaders(message: unknown): void {
  const { request, response } = message as UndiciHeadersMessage;
  const listeners = counters.get(`${String(request.origin)}${request.path ?? ''}`);
  if (!listeners) return;
  const raw = response.headers;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (String(raw[i]).toLowerCase() !== 'content-length') continue;
    const length = Number(String(raw[i + 1]));
    if (Number.isSafeInteger(length)) for (const counter of listeners) counter.bytes += length;
  }
}

/** Key matching undici's `origin + path` for `url`. */
function counterKey(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}${parsed.search}`;
}

/**
 * The header (metadata and tensor list, no vocabulary) of the GGUF file at `url`, without its
 * weights. `headers` go with every request to `url` and to any redirect `fetch` follows (undici
 * drops `Authorization` on a cross-origin redirect), so only pass a token for the Hub's own host.
 * Split files are not spliced here: the caller reads each part's URL.
 */
export async function readRemoteHeader(url: string, options: { headers?: Record<string, string>; signal?: AbortSignal } = {}): Promise<RemoteHeader> {
  if (!subscribed) {
    // Counting at the HTTP layer is the only way to see what node-llama-cpp's reader fetched.
    diagnostics.subscribe('undici:request:headers', onResponseHeaders);
    subscribed = true;
  }
  const key = counterKey(url);
  const counter = { bytes: 0 };
  const listeners = counters.get(key) ?? new Set();
  counters.set(key, listeners.add(counter));
  try {
    const info = await readGgufFileInfo(url, {
      sourceType: 'network',
      readTensorInfo: true,
      ignoreKeys: IGNORED_KEYS,
      fetchHeaders: options.headers ?? {},
      fetchRetryOptions: FETCH_RETRIES,
      endpoints: { huggingFace: NO_IMPLICIT_TOKEN_ENDPOINT },
      spliceSplitFiles: false,
      logWarnings: false,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return { info, bytesRead: counter.bytes };
  } finally {
    listeners.delete(counter);
    if (listeners.size === 0) counters.delete(key);
  }
}
