import { randomUUID } from 'node:crypto';
import type { ChatResult } from '../../../shared/dto';
import { foldSeed, parseGenerationRequest, type FinishReason, type GenerationEvent, type GenerationOutcome } from '../../../shared/generation';
import type { InferenceService } from '../inference/inferenceService';
import type { ModelOnDemand } from './modelOnDemand';
import type { RemoteModels } from '../providers/remoteGeneration';

/** The caller of one generation: its abort signal (a client that leaves stops it) and its stream. */
export interface GenerationStreamCaller {
  signal: AbortSignal;
  emit(event: GenerationEvent): void;
}

/**
 * The one way a request becomes a generation. Every surface (the OpenAI and Ollama routes,
 * `hearth run`, chat replies) builds a {@link GenerationRequest} and calls {@link run}, which:
 * 1. validates it once against the shared schema (each limit is declared there once), folding the
 *    seed; a wrong field is an `InvalidRequestError` naming it;
 * 2. resolves the model by name and holds it for the request through the surface's
 *    {@link ModelOnDemand} (which says whether a model may be loaded on demand, and for how long
 *    it stays): the fleet decides residency, never a surface;
 * 3. runs it on that model's engine, streaming `model`, `queued`, `prompt` and `tokens` events to
 *    the caller that asked, and resolves with one outcome: the text, one finish reason, usage
 *    and timings.
 * The surfaces only translate shapes (and choose their own defaults, such as a chat's token cap).
 */
export class GenerationPipeline {
  constructor(
    private readonly inference: Pick<InferenceService, 'chat' | 'complete'>,
    /** Models of the configured providers (`<provider>/<model>`), run on their servers. */
    private readonly remote?: RemoteModels,
  ) {}

  async run(input: unknown, models: ModelOnDemand, caller: GenerationStreamCaller): Promise<GenerationOutcome> {
    const request = parseGenerationRequest(input);
    // A provider's model runs on its server: no residency here, the remote decides its own (issue 16).
    const remote = request.model !== undefined ? this.remote?.runner(request.model) : undefined;
    if (remote) return remote(request, caller);
    const startedAt = performance.now();
    const lease = await models.acquire(request.model, caller.signal, (position) => caller.emit({ type: 'queued', position }));
    try {
      const modelId = lease.model.id;
      const loadMs = performance.now() - startedAt;
      caller.emit({ type: 'model', modelId, loadMs });
      const { seed, ...sampling } = request.sampling ?? {};
      const params = { ...sampling, ...(seed !== undefined ? { seed: foldSeed(seed) } : {}) };
      const common = {
        requestId: request.requestId ?? `gen-${randomUUID()}`,
        modelId,
        params,
        ...(request.responseFormat && request.responseFormat.type !== 'text' ? { responseFormat: request.responseFormat } : {}),
        ...(request.chunking ? { chunking: request.chunking } : {}),
        ...(request.logprobs ? { logprobs: request.logprobs } : {}),
      };
      const engineCaller = { signal: caller.signal, emit: caller.emit };
      const tools = request.tools ? { tools: request.tools, ...(request.toolChoice ? { toolChoice: request.toolChoice } : {}), ...(request.parallelToolCalls !== undefined ? { parallelToolCalls: request.parallelToolCalls } : {}) } : {};
      const result = request.messages
        ? await this.inference.chat({ ...common, messages: request.messages, ...tools }, engineCaller)
        : await this.inference.complete({ ...common, prompt: request.prompt! }, engineCaller);
      return outcomeOf(result, modelId, loadMs);
    } finally {
      lease.release();
    }
  }
}

function outcomeOf(result: ChatResult, modelId: string, loadMs: number): GenerationOutcome {
  const { promptTokens, completionTokens, cachedPromptTokens, stopReason } = result.stats;
  const finishReason: FinishReason = stopReason === 'abort' ? 'aborted' : stopReason === 'length' ? 'length' : stopReason === 'toolCalls' ? 'toolCalls' : 'stop';
  return {
    ...result,
    modelId,
    finishReason,
    usage: { promptTokens, completionTokens, cachedPromptTokens, totalTokens: promptTokens + completionTokens },
    loadMs,
  };
}
