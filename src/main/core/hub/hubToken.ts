import path from 'node:path';

/** Reads a file as UTF-8; resolves undefined when it does not exist or cannot be read. */
export type ReadTextFile = (filePath: string) => string | undefined;

/**
 * The Hub token, as the Hugging Face tools find it: `HF_TOKEN`, else the file `$HF_HOME/token`
 * (default `~/.cache/huggingface/token`, written by `huggingface-cli login`). Whitespace is
 * trimmed because the file ends with a newline; an empty value counts as no token.
 * @param env environment to read (`HF_TOKEN`, `HF_HOME`, `HOME` / `USERPROFILE`).
 */
export function resolveHubToken(env: Readonly<Record<string, string | undefined>>, readFile: ReadTextFile): string | undefined {
  const fromEnv = env.HF_TOKEN?.trim();
  if (fromEnv) return fromEnv;
  const home = env.HOME ?? env.USERPROFILE;
  const hfHome = env.HF_HOME?.trim() || (home ? path.join(home, '.cache', 'huggingface') : undefined);
  if (!hfHome) return undefined;
  return readFile(path.join(hfHome, 'token'))?.trim() || undefined;
}

/** `HF_ENDPOINT` without trailing slashes, default `https://huggingface.co`. */
export function resolveHubEndpoint(env: Readonly<Record<string, string | undefined>>): string {
  return normalizeEndpoint(env.HF_ENDPOINT?.trim() || 'https://huggingface.co');
}

/** Strips trailing `/`; throws on something that is not an http(s) URL. */
export function normalizeEndpoint(endpoint: string): string {
  const url = new URL(endpoint);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`HF_ENDPOINT must be an http(s) URL, got ${endpoint}`);
  return endpoint.replace(/\/+$/, '');
}
