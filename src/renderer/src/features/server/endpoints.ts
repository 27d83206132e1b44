/** The routes the API server answers, and copyable curl examples for them. */

export interface Endpoint {
  method: 'GET' | 'POST';
  path: string;
  /** What it does, in a few words. */
  summary: string;
  /** Which clients speak it. */
  family: 'OpenAI' | 'Ollama';
  /** The example request body; `MODEL` is replaced by a model id. */
  body?: Record<string, unknown>;
}

const MODEL = '$MODEL';

export const ENDPOINTS: readonly Endpoint[] = [
  { method: 'GET', path: '/v1/models', summary: 'Lists the models in the library', family: 'OpenAI' },
  {
    method: 'POST',
    path: '/v1/chat/completions',
    summary: 'Chat reply, streamed (SSE)',
    family: 'OpenAI',
    // Streamed and limited: without them a copied example printed nothing until a long reply ended.
    body: { model: MODEL, messages: [{ role: 'user', content: 'Hello!' }], max_tokens: 128, stream: true },
  },
  { method: 'POST', path: '/v1/completions', summary: 'Continues a prompt, no chat template', family: 'OpenAI', body: { model: MODEL, prompt: 'Once upon a time', max_tokens: 32, stream: true } },
  { method: 'POST', path: '/v1/embeddings', summary: 'Embedding vectors', family: 'OpenAI', body: { model: MODEL, input: 'Hello!' } },
  { method: 'GET', path: '/api/tags', summary: 'Lists the models (Ollama)', family: 'Ollama' },
  {
    method: 'POST',
    path: '/api/chat',
    summary: 'Chat reply (Ollama)',
    family: 'Ollama',
    body: { model: MODEL, messages: [{ role: 'user', content: 'Hello!' }], options: { num_predict: 128 } },
  },
  { method: 'POST', path: '/api/generate', summary: 'Continues a prompt (Ollama)', family: 'Ollama', body: { model: MODEL, prompt: 'Why is the sky blue?', options: { num_predict: 128 } } },
  { method: 'POST', path: '/api/embed', summary: 'Embedding vectors (Ollama)', family: 'Ollama', body: { model: MODEL, input: 'Hello!' } },
];

/** `http://127.0.0.1:1234/v1` → `http://127.0.0.1:1234`: where `/v1/…` and `/api/…` both live. */
export function serverOrigin(baseUrl: string): string {
  return baseUrl.replace(/\/v1\/?$/, '').replace(/\/+$/, '');
}

/** A string as one shell word in single quotes (a `'` inside becomes `'\''`). */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

export interface CurlOptions {
  /** e.g. `http://127.0.0.1:1234` (see {@link serverOrigin}). */
  origin: string;
  /** The key to send: the real one when known, a placeholder (`$HEARTH_API_KEY`) when only set, none when the server checks none. */
  apiKey?: string | undefined;
  /** Model id for the body; a placeholder when the library is empty. */
  model?: string | undefined;
}

/** True when the example's answer streams (OpenAI `stream: true`; Ollama's chat and generate stream unless told not to). */
export function streams(endpoint: Endpoint): boolean {
  if (!endpoint.body) return false;
  if (endpoint.family === 'OpenAI') return endpoint.body.stream === true;
  return (endpoint.path === '/api/chat' || endpoint.path === '/api/generate') && endpoint.body.stream !== false;
}

/** A curl command for `endpoint` that works as pasted into a POSIX shell. */
export function curlExample(endpoint: Endpoint, { origin, apiKey, model }: CurlOptions): string {
  const parts = [`curl ${shellQuote(origin + endpoint.path)}`];
  // A `$VARIABLE` placeholder stays expandable (double quotes); a real key is quoted literally.
  if (apiKey) parts.push(apiKey.startsWith('$') ? `-H "Authorization: Bearer ${apiKey}"` : `-H ${shellQuote(`Authorization: Bearer ${apiKey}`)}`);
  if (endpoint.body) {
    const body = JSON.stringify(endpoint.body).replace(JSON.stringify(MODEL), () => JSON.stringify(model || 'MODEL_ID'));
    // -N: print each streamed piece as it arrives instead of when curl's buffer fills.
    if (streams(endpoint)) parts[0] = `curl -N ${shellQuote(origin + endpoint.path)}`;
    parts.push(`-H 'Content-Type: application/json'`, `-d ${shellQuote(body)}`);
  }
  return parts.join(' \\\n  ');
}
