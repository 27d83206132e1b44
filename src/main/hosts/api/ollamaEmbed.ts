import type { ApiContext } from './apiContext';
import { embedAll } from './embeddings';
import type { ApiExchange } from './exchange';
import { ollamaResidency } from './ollamaKeepAlive';
import { ollamaEmbedBodySchema } from './ollamaParams';
import { badRequest } from './openaiErrors';
import { parseBody } from './openaiSchemas';

/** Most characters of one text; longer ones are a mistake (and would not fit a context anyway). */
const MAX_TEXT_CHARS = 100_000;

/**
 * `POST /api/embed` (`input`: a string or an array → `embeddings`) and the older
 * `POST /api/embeddings` (`prompt` → `embedding`). Vectors are unit-length (Ollama's `/api/embed`
 * normalises too; its older endpoint did not). Unlike Ollama (`truncate` defaults to true), an
 * input longer than the context is a 400, never cut. `keep_alive` and `options.num_ctx` as on
 * `/api/chat` (`ollamaKeepAlive.ts`).
 */
export async function ollamaEmbed(ex: ApiExchange, ctx: ApiContext, body: Record<string, unknown>, legacy = false): Promise<void> {
  const request = parseBody(ollamaEmbedBodySchema, body);
  ex.model = request.model;
  const field = legacy ? 'prompt' : 'input';
  const raw = legacy ? request.prompt : request.input;
  if (raw == null) throw badRequest(`Missing required parameter: '${field}'.`, field);
  const texts = typeof raw === 'string' ? [raw] : raw;
  if (texts.length === 0) throw badRequest(`'${field}' is an empty array.`, field);
  texts.forEach((text, i) => {
    if (text === '') throw badRequest(`${field}[${i}] is an empty string.`, field);
    if (text.length > MAX_TEXT_CHARS) throw badRequest(`${field}[${i}] is longer than ${MAX_TEXT_CHARS} characters.`, field);
  });
  if (request.dimensions != null) throw badRequest("'dimensions' is not supported: vectors have the model's own size.", 'dimensions');
  const residency = ollamaResidency(ctx, request);
  const lease = await residency.models.acquire(request.model, ex.signal);
  const loadMs = performance.now() - ex.startedAt;
  try {
    const result = await embedAll(ex, ctx, lease.model.id, texts, field);
    if (!result) return;
    lease.release();
    await residency.settle(lease.model.id);
    if (legacy) {
      ex.sendJson(200, { embedding: result.vectors[0] });
      return;
    }
    ex.sendJson(200, {
      model: lease.model.id,
      embeddings: result.vectors,
      total_duration: Math.round((performance.now() - ex.startedAt) * 1e6),
      load_duration: Math.round(loadMs * 1e6),
      prompt_eval_count: result.promptTokens,
    });
  } finally {
    lease.release();
  }
}
