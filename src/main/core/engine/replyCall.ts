/**
 * One reply's call into the engine process, host side: the generate request built from the
 * caller's chat or completion args (tools included), the engine's stream passed on as API chunks
 * to that caller only, and what the engine reports of the reply's tool format, logged. Admission,
 * bookkeeping and stopping stay in the service (engineService.ts).
 */
import type { ChatArgs, ChatChunk, CompletionArgs } from '../../../shared/dto';
import type { Logger } from '../logging/logger';
import type { EngineClient } from './engineClient';
import type { GenerateRequest, GenerateResult } from './protocol';

/** Who is asking for a reply: where its chunks go and when it gives up. */
export interface GenerationCaller {
  signal: AbortSignal;
  emit(chunk: ChatChunk): void;
}

/**
 * Sends `args` to the engine as one generate call; its prompt progress, tool call deltas and
 * tokens go to `caller.emit` only. Returns the engine's own promise (no extra await).
 */
export function generateOnEngine(client: EngineClient, args: ChatArgs | CompletionArgs, caller: GenerationCaller): Promise<GenerateResult> {
  const common = { op: 'generate' as const, requestId: args.requestId, params: args.params ?? {}, responseFormat: args.responseFormat, ...(args.chunking ? { chunking: args.chunking } : {}), ...(args.logprobs ? { logprobs: args.logprobs } : {}) };
  const request: GenerateRequest = 'prompt' in args ? { ...common, prompt: args.prompt } : { ...common, messages: args.messages, ...engineTools(args) };
  return client.call(request, (event) => {
    if (event.kind === 'promptProgress') return caller.emit({ type: 'prompt', processed: event.processed, total: event.total });
    if (event.kind === 'toolCall') return caller.emit({ type: 'toolCall', index: event.index, id: event.id, name: event.name, argumentsDelta: event.delta });
    // Pieces kept apart in the engine's batch are passed on one by one (one API chunk per token).
    for (const piece of event.pieces ?? [event]) {
      caller.emit({ type: 'tokens', text: piece.text, tokenCount: piece.tokenCount, ...(piece.logprobs ? { logprobs: piece.logprobs } : {}) });
    }
  });
}

/**
 * Says once per loaded model when its tools run in Hearth's generic format (its chat template has
 * no tool format of its own), and every schema a grammar could not enforce. `logged`: the models
 * already said (the service keeps it); `modelId`: the model loaded now, if any.
 */
export function logToolFormat(logger: Logger, logged: Set<string>, modelId: string | undefined, format: NonNullable<GenerateResult['toolFormat']>): void {
  if (!format.native && modelId !== undefined && !logged.has(modelId)) {
    logged.add(modelId);
    logger.info(`tools: ${modelId} has no tool format of its own in its chat template (${format.name}); its tool calls use Hearth's generic JSON format`);
  }
  for (const note of format.notes) logger.warn(`tools: ${note}`);
}

/** A chat's tools as the engine runs them: `toolChoice: none` offers none (the conversation's earlier calls still render). */
function engineTools(args: ChatArgs): Pick<GenerateRequest, 'tools'> {
  const choice = args.toolChoice ?? 'auto';
  if (!args.tools || args.tools.length === 0 || choice === 'none') return {};
  return { tools: { tools: args.tools, choice, parallel: args.parallelToolCalls ?? true } };
}
