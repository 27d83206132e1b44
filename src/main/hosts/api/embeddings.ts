import { MAX_EMBED_TEXTS } from '../../../shared/schemas';
import type { ApiContext } from './apiContext';
import type { ApiExchange } from './exchange';
import { badRequest, toApiError } from './openaiErrors';
import { isTokenIds } from './openaiParams';
import { embeddingBodySchema, parseBody } from './openaiSchemas';

/**
 * `POST /v1/embeddings`: one unit-length vector per input string, from the model named (loaded on
 * demand). Inputs beyond one engine call's {@link MAX_EMBED_TEXTS} go in several calls, each
 * waiting its turn in the engine's queue. `encoding_format: base64` (what the official clients ask
 * for by default) sends little-endian float32 bytes.
 */
export async function embeddings(ex: ApiExchange, ctx: ApiContext, body: Record<string, unknown>): Promise<void> {
  const request = parseBody(embeddingBodySchema, body);
  ex.model = request.model ?? undefined;
  // One string, several strings, one array of token ids, or several.
  const texts: unknown[] = typeof request.input === 'string' || isTokenIds(request.input) ? [request.input] : request.input;
  if (texts.length === 0) throw badRequest("'input' is an empty array.", 'input');
  texts.forEach((text, i) => {
    if (isTokenIds(text)) {
      if (text.length > 100_000) throw badRequest(`input[${i}] is longer than 100000 tokens.`, `input[${i}]`);
      return;
    }
    if (typeof text !== 'string') throw badRequest(`input[${i}] must be a string or an array of token ids.`, `input[${i}]`, 'invalid_value');
    if (text === '') throw badRequest(`input[${i}] is an empty string.`, `input[${i}]`);
    if (text.length > 100_000) throw badRequest(`input[${i}] is longer than 100000 characters.`, `input[${i}]`);
  });
  if (request.dimensions != null) throw badRequest("'dimensions' is not supported: vectors have the model's own size.", 'dimensions', 'unsupported_parameter');
  // A provider's model (`<provider>/<model>`): its server computes them.
  const remote = request.model ? ctx.core.providers.target(request.model) : undefined;
  if (remote) {
    const result = await ctx.core.providers.embed(remote, texts as (string | number[])[], ex.signal).catch((error: unknown) => {
      throw toApiError(error, ctx.logger, 'embeddings', { input: 'input' });
    });
    ex.promptTokens = result.promptTokens;
    return sendEmbeddings(ex, result, remote.modelId, request.encoding_format === 'base64');
  }
  const lease = await ctx.models.acquire(request.model ?? undefined, ex.signal);
  try {
    const result = await embedAll(ex, ctx, lease.model.id, texts as (string | number[])[], 'input');
    if (!result) return;
    sendEmbeddings(ex, result, lease.model.id, request.encoding_format === 'base64');
  } finally {
    lease.release();
  }
}

function sendEmbeddings(ex: ApiExchange, result: { vectors: number[][]; promptTokens: number }, model: string, base64: boolean): void {
  ex.sendJson(200, {
    object: 'list',
    data: result.vectors.map((vector, index) => ({ object: 'embedding', index, embedding: base64 ? toBase64(vector) : vector })),
    model,
    usage: { prompt_tokens: result.promptTokens, total_tokens: result.promptTokens },
  });
}

/**
 * Embeds `texts` on `modelId` (the caller holds its lease), in engine calls of at most
 * {@link MAX_EMBED_TEXTS} texts; records the prompt tokens on the exchange. Undefined when the
 * client left midway. `inputParam` names the request field a context overflow is about.
 */
export async function embedAll(ex: ApiExchange, ctx: ApiContext, modelId: string, texts: (string | number[])[], inputParam: string): Promise<{ vectors: number[][]; promptTokens: number } | undefined> {
  const vectors: number[][] = [];
  let promptTokens = 0;
  for (let start = 0; start < texts.length; start += MAX_EMBED_TEXTS) {
    const batch = texts.slice(start, start + MAX_EMBED_TEXTS);
    const result = await ctx.core.inference.embed({ modelId, texts: batch }, ex.signal).catch((error: unknown) => {
      throw toApiError(error, ctx.logger, 'embeddings', { input: inputParam });
    });
    vectors.push(...result.vectors);
    promptTokens += result.promptTokens;
    if (ex.closed) return undefined;
  }
  ex.promptTokens = promptTokens;
  return { vectors, promptTokens };
}

function toBase64(vector: number[]): string {
  const floats = Float32Array.from(vector);
  return Buffer.from(floats.buffer, floats.byteOffset, floats.byteLength).toString('base64');
}
