import { randomUUID } from 'node:crypto';
import type { ChatChunk } from '../../../shared/dto';
import type { GenerationOutcome } from '../../../shared/generation';
import type { ApiContext } from './apiContext';
import type { ApiExchange } from './exchange';
import { replyStopped, type GenerationRunner } from './generationResponse';
import { mcpToolLoop, requestMcpTools } from './mcpLoop';
import { ApiError, toApiError } from './openaiErrors';
import { parseBody } from './openaiSchemas';
import { functionCallItem, messageItem, newId, ResponseEventStream, responseObject, textPart, usageOf, type ResponseHead, type ResponseStatus } from './responsesOutput';
import { planResponse, refuseUnsupported, renameParams, type ChatMessageBody } from './responsesRequest';
import { responsesBodySchema } from './responsesSchemas';
import { responseStoreOf } from './responsesStore';
import { openAiToolCalls, type OpenAiToolCall } from './toolCalls';

/**
 * `POST /v1/responses`: OpenAI's Responses API over the one generation pipeline. The input items
 * become a chat (as on `/v1/chat/completions`, tools in the model's own format); the reply is a
 * message, and one function call item per tool call. Stateless unless `previous_response_id` names a
 * response this server still keeps (`responsesStore.ts`), whose conversation is continued.
 *
 * Streamed, the events start only with the first prompt progress or text, so an error found
 * before (a prompt too long, a full queue) is still a proper HTTP error; after that it is an
 * `error` event followed by `response.failed`. A client that disconnects stops the generation.
 */
export async function responses(ex: ApiExchange, ctx: ApiContext, body: Record<string, unknown>): Promise<void> {
  const request = parseBody(responsesBodySchema, body);
  ex.model = request.model ?? undefined;
  refuseUnsupported(request);
  const store = responseStoreOf(ctx);
  const previousId = request.previous_response_id;
  const earlier = previousId ? store.get(previousId) : [];
  if (!earlier) {
    throw new ApiError(404, 'invalid_request_error', `Previous response with id '${previousId!.slice(0, 200)}' not found (this server keeps recent responses in memory only).`, 'previous_response_id', 'previous_response_not_found', undefined, 'NOT_FOUND');
  }
  // `mcp`: MCP tools Hearth runs itself, as on chat completions (mcpLoop.ts); flat here, as Responses' tools are.
  const mcp = await requestMcpTools(ctx, body);
  const mcpTools = mcp?.bodies.map(({ function: f }) => ({ type: 'function', name: f.name, description: f.description, parameters: f.parameters }));
  const plan = planResponse(mcpTools ? { ...request, tools: [...(request.tools ?? []), ...mcpTools] } : request, earlier);
  const loop = mcp ? mcpToolLoop(ctx, mcp.offered) : undefined;
  const head: ResponseHead = { id: newId('resp'), createdAt: Math.floor(Date.now() / 1000), model: request.model ?? '', body: request };
  const sse = request.stream === true ? new ResponseEventStream(ex) : undefined;
  const items = new OutputItems(sse);
  const open = () => {
    if (!sse || sse.started) return;
    sse.start();
    const response = responseObject(head, { status: 'in_progress', output: [] });
    sse.send('response.created', { response });
    sse.send('response.in_progress', { response });
  };

  let outcome: GenerationOutcome;
  try {
    const chunking = sse ? { chunking: 'token' as const } : {};
    const run: GenerationRunner = loop?.run ?? ((req, caller) => ctx.core.generation.run(req, ctx.models, caller));
    outcome = await run({ requestId: `api-${randomUUID()}`, ...plan.request, ...chunking }, {
      signal: ex.signal,
      emit: (event) => {
        if (event.type === 'model') head.model = event.modelId;
        if (event.type === 'model' || event.type === 'queued') return;
        open();
        if (event.type === 'tokens' && event.text !== '') items.text(event.text);
        if (event.type === 'toolCall') items.call(event);
      },
    });
  } catch (error) {
    const apiError = renameParams(toApiError(error, ctx.logger, 'a response', { input: 'input', dialect: 'openai' }));
    if (!sse?.started) throw apiError;
    return sse.fail(apiError, responseObject(head, { status: 'failed', output: [], error: apiError }));
  }
  ex.promptTokens = outcome.usage.promptTokens;
  ex.completionTokens = outcome.usage.completionTokens;
  if (ex.closed) return;
  if (outcome.finishReason === 'aborted') {
    // Not this client (it is still here): the model was unloaded or the reply stopped in Hearth.
    if (!sse?.started) throw replyStopped();
    const stopped = replyStopped();
    return sse.fail(stopped, responseObject(head, { status: 'failed', output: [], error: stopped }));
  }

  const calls = openAiToolCalls(outcome.toolCalls) ?? [];
  // A reply cut by the token cap is incomplete (a call cut with it is not returned).
  const status: ResponseStatus = outcome.finishReason === 'length' ? 'incomplete' : 'completed';
  const output = items.final(outcome.text, calls, status);
  const final = { ...responseObject(head, { status, output, usage: usageOf(outcome) }), ...loop?.extra() };
  if (request.store !== false) {
    const turn = assistantTurn(outcome.text, calls);
    store.put(head.id, [...plan.history, turn], [...plan.history.slice(earlier.length), turn]);
  }
  if (!sse) return ex.sendJson(200, final);
  open();
  items.finish(outcome.text, calls, status);
  sse.send(status === 'incomplete' ? 'response.incomplete' : 'response.completed', { response: final });
  sse.end();
}

/**
 * The output items of one response as they stream: a message while the model writes text, then
 * one function call item per tool call, each opened when its call opens and given its arguments
 * as they are generated. Without streaming only {@link final} is used.
 */
class OutputItems {
  private readonly messageId = newId('msg');
  private messageIndex: number | undefined;
  private messageDone = false;
  private count = 0;
  /** The call being streamed: its item id, output index, call and arguments so far. */
  private current: { itemId: string; index: number; call: OpenAiToolCall } | undefined;
  private readonly callItemIds: string[] = [];
  /** The text streamed so far (the message's text when a call closes it). */
  private streamed = '';

  constructor(private readonly sse: ResponseEventStream | undefined) {}

  text(delta: string): void {
    if (!this.sse || this.messageDone) return;
    this.openMessage();
    this.streamed += delta;
    this.sse.send('response.output_text.delta', { ...this.at(), delta, logprobs: [] });
  }

  call(event: Extract<ChatChunk, { type: 'toolCall' }>): void {
    if (!this.sse) return;
    if (event.argumentsDelta === '') {
      this.closeCall();
      this.closeMessage(undefined);
      const itemId = newId('fc');
      this.callItemIds.push(itemId);
      this.current = { itemId, index: this.count++, call: { id: event.id, type: 'function', function: { name: event.name, arguments: '' } } };
      this.sse.send('response.output_item.added', { output_index: this.current.index, item: functionCallItem(itemId, this.current.call, 'in_progress') });
      return;
    }
    const current = this.current!;
    current.call.function.arguments += event.argumentsDelta;
    this.sse.send('response.function_call_arguments.delta', { item_id: current.itemId, output_index: current.index, delta: event.argumentsDelta });
  }

  /** The items of the finished response: the text as a message (unless the reply only called tools), then the calls. */
  final(text: string, calls: OpenAiToolCall[], status: ResponseStatus): Record<string, unknown>[] {
    const message = text !== '' || calls.length === 0 ? [messageItem(this.messageId, text, status)] : [];
    const ids = calls.map((_, i) => this.callItemIds[i] ?? newId('fc'));
    return [...message, ...calls.map((call, i) => functionCallItem(ids[i]!, call, 'completed'))];
  }

  /** Closes what is still open at the end of the stream. */
  finish(text: string, calls: OpenAiToolCall[], status: ResponseStatus): void {
    this.closeCall();
    if (calls.length === 0) this.openMessage();
    this.closeMessage(text, status);
  }

  private openMessage(): void {
    if (this.messageIndex !== undefined || !this.sse) return;
    this.messageIndex = this.count++;
    this.sse.send('response.output_item.added', { output_index: this.messageIndex, item: messageItem(this.messageId, undefined, 'in_progress') });
    this.sse.send('response.content_part.added', { ...this.at(), part: textPart('') });
  }

  /** `text` undefined: closed because a call follows (its text is what was streamed). */
  private closeMessage(text: string | undefined, status: ResponseStatus = 'completed'): void {
    if (this.messageIndex === undefined || this.messageDone || !this.sse) return;
    this.messageDone = true;
    const full = text ?? this.streamed;
    this.sse.send('response.output_text.done', { ...this.at(), text: full, logprobs: [] });
    this.sse.send('response.content_part.done', { ...this.at(), part: textPart(full) });
    this.sse.send('response.output_item.done', { output_index: this.messageIndex, item: messageItem(this.messageId, full, status) });
  }

  private closeCall(): void {
    const current = this.current;
    if (!current || !this.sse) return;
    this.current = undefined;
    const { itemId, index, call } = current;
    this.sse.send('response.function_call_arguments.done', { item_id: itemId, output_index: index, name: call.function.name, arguments: call.function.arguments });
    this.sse.send('response.output_item.done', { output_index: index, item: functionCallItem(itemId, call, 'completed') });
  }

  private at() {
    return { item_id: this.messageId, output_index: this.messageIndex ?? 0, content_index: 0 };
  }
}

/** The reply as the assistant turn a follow-up continues from. */
function assistantTurn(text: string, calls: OpenAiToolCall[]): ChatMessageBody {
  if (calls.length === 0) return { role: 'assistant', content: text };
  return { role: 'assistant', content: text === '' ? null : text, tool_calls: calls.map((call) => ({ id: call.id, type: 'function', function: call.function })) };
}
