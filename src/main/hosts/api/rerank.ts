import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { MAX_RANK_DOCUMENTS_PER_CALL, NOT_A_RERANKER } from '../../core/engine/ranking';
import type { ApiContext } from './apiContext';
import type { ApiExchange } from './exchange';
import { badRequest, toApiError } from './openaiErrors';
import { parseBody } from './openaiSchemas';

/** Most documents one request may rank (Cohere's limit is 1000; each one is a model evaluation here). */
export const MAX_RERANK_DOCUMENTS = 1_000;
/** Longest query or document, in characters (as for embeddings' inputs). */
const MAX_TEXT_CHARS = 100_000;

const documentSchema = z.union([z.string().max(MAX_TEXT_CHARS), z.looseObject({ text: z.string().max(MAX_TEXT_CHARS) })]);

/** Jina's and Cohere's rerank body, as llama-server takes it (`texts` is its alias of `documents`). */
const rerankBodySchema = z.looseObject({
  model: z.string().max(1_000).nullish(),
  query: z.string().min(1).max(MAX_TEXT_CHARS),
  documents: z.array(documentSchema).min(1).max(MAX_RERANK_DOCUMENTS).optional(),
  texts: z.array(documentSchema).min(1).max(MAX_RERANK_DOCUMENTS).optional(),
  top_n: z.number().int().min(1).nullish(),
  return_documents: z.boolean().nullish(),
});

/**
 * `POST /v1/rerank` (also `/rerank`, `/v1/reranking`, `/reranking`, as llama-server answers):
 * scores each document against the query with a reranking model (loaded on demand), and answers
 * in the Jina/Cohere shape llama-server uses: `results` sorted by `relevance_score`, highest first,
 * cut to `top_n`, each with the document's `index` in the request. Scores are probabilities in
 * [0, 1] (node-llama-cpp applies the sigmoid that llama-server leaves to the client), so they
 * compare across requests. Documents go to the engine in calls of at most
 * {@link MAX_RANK_DOCUMENTS_PER_CALL}, each waiting its turn in the model's queue.
 */
export async function rerank(ex: ApiExchange, ctx: ApiContext, body: Record<string, unknown>): Promise<void> {
  const request = parseBody(rerankBodySchema, body);
  ex.model = request.model ?? undefined;
  const given = request.documents ?? request.texts;
  if (!given) throw badRequest("Missing required parameter: 'documents'.", 'documents', 'missing_required_parameter');
  const param = request.documents ? 'documents' : 'texts';
  const documents = given.map((document) => (typeof document === 'string' ? document : document.text));
  const empty = documents.findIndex((document) => document === '');
  if (empty !== -1) throw badRequest(`${param}[${empty}] is an empty string.`, `${param}[${empty}]`);

  const lease = await ctx.models.acquire(request.model ?? undefined, ex.signal);
  try {
    const modelId = lease.model.id;
    const scores: number[] = [];
    let promptTokens = 0;
    for (let start = 0; start < documents.length; start += MAX_RANK_DOCUMENTS_PER_CALL) {
      const batch = documents.slice(start, start + MAX_RANK_DOCUMENTS_PER_CALL);
      const result = await ctx.core.inference.rank({ modelId, query: request.query, documents: batch }, ex.signal).catch((error: unknown) => {
        if (error instanceof Error && error.message.includes(NOT_A_RERANKER)) {
          throw badRequest(`${modelId} ${NOT_A_RERANKER}: it has no classification head to score documents with. Use a reranker such as bge-reranker or Qwen3-Reranker.`, 'model', 'model_not_supported');
        }
        throw toApiError(error, ctx.logger, 'rerank', { input: param });
      });
      scores.push(...result.scores);
      promptTokens += result.promptTokens;
      if (ex.closed) return;
    }
    ex.promptTokens = promptTokens;
    // A stable sort: equal scores keep the documents' order.
    const order = scores.map((score, index) => ({ index, score })).sort((a, b) => b.score - a.score);
    const kept = order.slice(0, request.top_n ?? order.length);
    ex.sendJson(200, {
      id: `rerank-${randomUUID()}`,
      object: 'list',
      model: modelId,
      results: kept.map(({ index, score }) => ({
        index,
        relevance_score: score,
        ...(request.return_documents ? { document: { text: documents[index] } } : {}),
      })),
      usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
    });
  } finally {
    lease.release();
  }
}
