import type { ApiContext } from './apiContext';
import type { ApiExchange } from './exchange';
export { isOllamaPath } from './exchange';
import { ollamaEmbed } from './ollamaEmbed';
import { ollamaChat, ollamaGenerate } from './ollamaGenerate';
import { ollamaDelete, ollamaShow } from './ollamaManage';
import { ollamaPs, ollamaTags, ollamaVersion } from './ollamaModels';
import { ollamaPull } from './ollamaPull';
import { ApiError } from './openaiErrors';
import { readJsonBody } from './requestBody';

type Post = (ex: ApiExchange, ctx: ApiContext, body: Record<string, unknown>) => Promise<void>;
type Get = (ex: ApiExchange, ctx: ApiContext) => void | Promise<void>;

const POSTS: Record<string, Post> = {
  '/api/chat': ollamaChat,
  '/api/generate': ollamaGenerate,
  '/api/embed': (ex, ctx, body) => ollamaEmbed(ex, ctx, body),
  '/api/embeddings': (ex, ctx, body) => ollamaEmbed(ex, ctx, body, true),
  '/api/show': ollamaShow,
  '/api/pull': ollamaPull,
};
/** Ollama's clients send DELETE with a JSON body. */
const DELETES: Record<string, Post> = {
  '/api/delete': ollamaDelete,
};
const GETS: Record<string, Get> = {
  '/api/version': ollamaVersion,
  '/api/tags': ollamaTags,
  '/api/ps': ollamaPs,
};

/**
 * The Ollama-compatible endpoints, after the API server's guards (Host, Origin, key) passed:
 * the same body limit, request log, models on demand and disconnect handling as `/v1/*`.
 * Model management: `show`, `pull` (from the Hugging Face Hub) and `delete`; `create`, `copy`
 * and `push` are not served.
 */
export async function handleOllama(ex: ApiExchange, ctx: ApiContext, maxBodyBytes: number): Promise<void> {
  const method = ex.req.method ?? '';
  const post = POSTS[ex.path];
  if (post) {
    if (method !== 'POST') return notAllowed(ex, 'POST');
    return post(ex, ctx, await readJsonBody(ex.req, maxBodyBytes));
  }
  const del = DELETES[ex.path];
  if (del) {
    if (method !== 'DELETE') return notAllowed(ex, 'DELETE');
    return del(ex, ctx, await readJsonBody(ex.req, maxBodyBytes));
  }
  const get = GETS[ex.path];
  if (get) {
    if (method !== 'GET' && method !== 'HEAD') return notAllowed(ex, 'GET');
    return get(ex, ctx);
  }
  ex.sendError(new ApiError(404, 'invalid_request_error', `Unknown endpoint: ${method} ${ex.path.slice(0, 200)} (Hearth serves /api/version, tags, ps, show, pull, delete, chat, generate, embed, embeddings).`, null, 'unknown_url', undefined, 'NOT_FOUND'));
}

function notAllowed(ex: ApiExchange, allowed: string): void {
  ex.sendError(new ApiError(405, 'invalid_request_error', `${ex.path} takes ${allowed} only.`, null, 'method_not_allowed', undefined, 'BAD_REQUEST'), { Allow: allowed });
}
