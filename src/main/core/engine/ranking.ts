import type { LlamaModel, LlamaRankingContext } from 'node-llama-cpp';
import { AppError } from '../../../shared/errors';
import { SideContext, type Exclusive } from './sideContext';
import { releasingFailedContext } from './nodeLlamaInternals';

/** Most documents one `rank` call takes; a client with more is split by the API route. */
export const MAX_RANK_DOCUMENTS_PER_CALL = 64;

/**
 * Most tokens one `rank` call may evaluate over all its (query + document) pairs. Keeps a call well
 * inside its deadline (engineClient.ts) on a slow machine, like embeddings.ts's limit.
 */
export const MAX_RANK_TOKENS_PER_CALL = 32_768;

/** Words in the error a model without a classification head gives, which the API turns into a 400 naming the model. */
export const NOT_A_RERANKER = 'is not a reranking model';

/** What to rank: each document against `query`, from `modelId` (default the primary model). */
export interface RankArgs {
  modelId?: string | undefined;
  query: string;
  documents: string[];
}

/** One relevance score per document, in the documents' order. */
export interface RankResult {
  /** Probability in [0, 1] that the document is relevant to the query (the model's classification head). */
  scores: number[];
  /** Tokens evaluated over all (query, document) pairs: the query counts once per document. */
  promptTokens: number;
}

/**
 * Relevance scores from the loaded model through node-llama-cpp's ranking context: a reranker
 * (a model with a classification head, `cls.weight` / `cls.output.weight`) evaluates the query
 * and one document together, and its head gives the score.
 *
 * Built like the Embedder, for the same reasons: a second context on the same weights, made on
 * first use (a chat-only user never pays for its KV cache) and disposed with the model; and each
 * document is one exclusive step between two lockstep rounds, so ranking and generation never
 * compete for the cores.
 */
export class Ranker {
  private readonly side: SideContext<LlamaRankingContext>;

  constructor(
    private readonly model: LlamaModel,
    private readonly options: { contextSize: number; threads: number; exclusive: Exclusive },
  ) {
    this.side = new SideContext(
      options.exclusive,
      // Threads set explicitly: node-llama-cpp's default oversubscribes small machines.
      () => releasingFailedContext(model, () => model.createRankingContext({ contextSize: options.contextSize, threads: options.threads })),
      (error) => new AppError('ENGINE_ERROR', `llama.cpp could not create the ranking context: ${error instanceof Error ? error.message : String(error)}`),
    );
  }

  /** Scores of `documents` against `query`, in order. Refuses before any work if a pair is too long. */
  rank(query: string, documents: readonly string[]): Promise<RankResult> {
    return this.side.serial(() => this.rankNow(query, documents));
  }

  private async rankNow(query: string, documents: readonly string[]): Promise<RankResult> {
    const context = await this.ensureContext();
    const lengths = documents.map((document) => context.calculateInputLength(query, document));
    const tooLong = lengths.findIndex((length) => length >= this.options.contextSize);
    if (tooLong !== -1) {
      throw new AppError(
        'CONTEXT_OVERFLOW',
        `The query with document ${tooLong + 1} is ${lengths[tooLong]} tokens but the ranking context holds ${this.options.contextSize}. ` +
          'Shorten the query or the document, or load the model with a larger context.',
      );
    }
    const total = lengths.reduce((sum, length) => sum + length, 0);
    if (total > MAX_RANK_TOKENS_PER_CALL) {
      throw new AppError('BAD_REQUEST', `The query and these documents are ${total} tokens together; one call takes at most ${MAX_RANK_TOKENS_PER_CALL}. Send fewer documents per call.`);
    }
    const scores: number[] = [];
    for (const document of documents) {
      this.side.ensureOpen('the ranking');
      scores.push(await this.options.exclusive(() => context.rank(query, document)));
    }
    return { scores, promptTokens: total };
  }

  /** Stops after the document being evaluated, then frees the context. */
  dispose(): Promise<void> {
    return this.side.dispose();
  }

  private ensureContext(): Promise<LlamaRankingContext> {
    // Checked here, cheaply and before any allocation, so the refusal is the same whatever node-llama-cpp's wording.
    if (!this.side.closed && !this.model.fileInsights.supportsRanking) {
      return Promise.reject(new AppError('BAD_REQUEST', `This model ${NOT_A_RERANKER}: it has no classification head (cls.output) to score documents with.`));
    }
    return this.side.get();
  }
}
