import type { LlamaEmbeddingContext, LlamaModel, Token } from 'node-llama-cpp';
import type { EmbedResult } from '../../../shared/dto';
import { AppError } from '../../../shared/errors';
import { checkedTokens } from './prompt';
import { SideContext, type Exclusive } from './sideContext';
import { releasingFailedContext } from './nodeLlamaInternals';

/**
 * Most tokens one `embed` call may evaluate over all its texts. Keeps a call well inside its
 * deadline (engineClient.ts) on a slow machine; a client with more splits it into several calls.
 */
export const MAX_EMBED_TOKENS_PER_CALL = 32_768;

export type { Exclusive } from './sideContext';

/**
 * Embeddings from the loaded model through node-llama-cpp's embedding context: a second context on
 * the same weights, created on first use (it costs one more context's KV cache, so a chat-only
 * user never pays for it) and disposed with the model.
 *
 * Serialised with generation on purpose: each text is evaluated as one exclusive step between
 * two lockstep rounds. Two contexts computing at once would each want the cores (the engine's
 * thread count is chosen for one), and on small machines that makes both several times slower
 * (engine-performance notes); a reply instead pauses for one text's evaluation at a time.
 */
export class Embedder {
  private readonly side: SideContext<LlamaEmbeddingContext>;

  constructor(
    private readonly model: LlamaModel,
    private readonly options: { contextSize: number; threads: number; exclusive: Exclusive },
  ) {
    this.side = new SideContext(
      options.exclusive,
      // Threads set explicitly: node-llama-cpp's default oversubscribes small machines.
      () => releasingFailedContext(model, () => model.createEmbeddingContext({ contextSize: options.contextSize, threads: options.threads })),
      (error) => new AppError('BAD_REQUEST', `This model cannot compute embeddings: ${error instanceof Error ? error.message : String(error)}`),
    );
  }

  /** One unit-length vector per text (or token ids), in order. Refuses before any work if one is too long or has a token the model lacks. */
  embed(inputs: readonly (string | number[])[]): Promise<EmbedResult> {
    const texts = inputs.map((input, i) => (typeof input === 'string' ? input : checkedTokens(input, this.model, `input ${i + 1}`)));
    return this.side.serial(() => this.embedNow(texts));
  }

  private async embedNow(texts: readonly (string | Token[])[]): Promise<EmbedResult> {
    const context = await this.side.get();
    const lengths = texts.map((text) => context.calculateInputLength(text));
    const tooLong = lengths.findIndex((length) => length >= this.options.contextSize);
    if (tooLong !== -1) {
      throw new AppError(
        'CONTEXT_OVERFLOW',
        `Text ${tooLong + 1} is ${lengths[tooLong]} tokens but the embedding context holds ${this.options.contextSize}. ` +
          'Split it into shorter pieces or load the model with a larger context.',
      );
    }
    const total = lengths.reduce((sum, length) => sum + length, 0);
    if (total > MAX_EMBED_TOKENS_PER_CALL) {
      throw new AppError('BAD_REQUEST', `These texts are ${total} tokens together; one call takes at most ${MAX_EMBED_TOKENS_PER_CALL}. Send them in several calls.`);
    }
    const vectors: number[][] = [];
    for (const text of texts) {
      this.side.ensureOpen('the embeddings');
      const embedding = await this.options.exclusive(() => context.getEmbeddingFor(text));
      vectors.push(normalise(embedding.vector));
    }
    return { vectors, promptTokens: total };
  }

  /** Stops after the text being evaluated (a running call fails with MODEL_NOT_LOADED), then frees the context. */
  dispose(): Promise<void> {
    return this.side.dispose();
  }
}

/**
 * To unit length, as OpenAI's and llama.cpp's servers return them (cosine similarity becomes a dot
 * product). llama.cpp hands out the raw pooled vector.
 */
function normalise(vector: readonly number[]): number[] {
  const norm = Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
  return norm > 0 ? vector.map((value) => value / norm) : [...vector];
}
