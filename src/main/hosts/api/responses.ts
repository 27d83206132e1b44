import { randomUUID } from 'node:crypto';
import type { GenerationOutcome } from '../../../shared/generation';
import type { ApiContext } from './apiContext';
import type { ApiExchange } from './exchange';
import { replyStopped, type ToolCall } from './generationResponse';
import { ApiError, toApiError } from './openaiErrors';
import { parseBody } from './openaiSchemas';
import { functionCallItem, messageItem, newId, ResponseEventStream, responseObject, textPart, usageOf, type ResponseHead, type ResponseStatus } from './responsesOutput';
import { planResponse, refuseUnsupported, renameParams, type ChatMessageBody } from './responsesRequest';
import { responsesBodySchema } from './responsesSchemas';
import { responseStoreOf } from './responsesStore';

/**
 * `POST /v1/responses`: OpenAI's Responses API over the one generation pipeline. The input items
 * become a chat (as on `/v1/chat/completions`, tools planned by `toolCalls.ts`); the reply is one
 * output item, a message or a function call. Stateless unless `previous_response_id` names a
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
  const plan = planResponse(request, earlier, ctx.logger);
  const head: ResponseHead = { id: newId('resp'), createdAt: Math.floor(Date.now() / 1000), model: request.model ?? '', body: request };
  const sse = request.stream === true ? new ResponseEventStream(ex) : undefined;
  const messageId = newId('msg');
  const at = { item_id: messageId, output_index: 0, content_index: 0 };
  let messageOpen = false;

  const open = () => {
    if (!sse || sse.started) return;
    sse.start();
    const response = responseObject(head, { status: 'in_progress', output: [] });
    sse.send('response.created', { response });
    sse.send('response.in_progress', { response });
  };
  const openMessage = () => {
    if (!sse || messageOpen) return;
    messageOpen = true;
    sse.send('response.output_item.added', { output_index: 0, item: messageItem(messageId, undefined, 'in_progress') });
    sse.send('response.content_part.added', { ...at, part: textPart('') });
  };
  const delta = (text: string) => {
    openMessage();
    sse?.send('response.output_text.delta', { ...at, delta: text, logprobs: [] });
  };

  // Text held back while it may still turn out to be a function call; undefined once it streams as text.
  let held: string | undefined = plan.reading ? '' : undefined;
  let outcome: GenerationOutcome;
  try {
    const chunking = sse ? { chunking: 'token' as const } : {};
    outcome = await ctx.core.generation.run({ requestId: `api-${randomUUID()}`, ...plan.request, ...chunking }, ctx.models, {
      signal: ex.signal,
      emit: (event) => {
        if (event.type === 'model') head.model = event.modelId;
        if (event.type === 'model' || event.type === 'queued') return;
        open();
        if (event.type !== 'tokens' || event.text === '') return;
        if (held === undefined) return delta(event.text);
        held += event.text;
        if (plan.reading?.holding(held)) return;
        delta(held);
        held = undefined;
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

  const call = held !== undefined ? plan.reading?.toolCall(outcome) : undefined;
  // A forced call cut by the token cap is not a call: it is answered as incomplete text.
  const status: ResponseStatus = outcome.finishReason === 'length' && !call ? 'incomplete' : 'completed';
  const callId = newId('fc');
  const item = call ? functionCallItem(callId, call, 'completed') : messageItem(messageId, outcome.text, status);
  const final = responseObject(head, { status, output: [item], usage: usageOf(outcome) });
  if (request.store !== false) {
    const turn = assistantTurn(outcome.text, call);
    store.put(head.id, [...plan.history, turn], [...plan.history.slice(earlier.length), turn]);
  }
  if (!sse) return ex.sendJson(200, final);

  open();
  if (call) {
    // A call is read once the reply is complete: its arguments go out as one delta.
    sse.send('response.output_item.added', { output_index: 0, item: functionCallItem(callId, call, 'in_progress', '') });
    sse.send('response.function_call_arguments.delta', { item_id: callId, output_index: 0, delta: call.function.arguments });
    sse.send('response.function_call_arguments.done', { item_id: callId, output_index: 0, name: call.function.name, arguments: call.function.arguments });
  } else {
    // A reply held to its end (it looked like a call but was not) streams as one delta.
    if (held !== undefined && outcome.text !== '') delta(outcome.text);
    openMessage();
    sse.send('response.output_text.done', { ...at, text: outcome.text, logprobs: [] });
    sse.send('response.content_part.done', { ...at, part: textPart(outcome.text) });
  }
  sse.send('response.output_item.done', { output_index: 0, item });
  sse.send(status === 'incomplete' ? 'response.incomplete' : 'response.completed', { response: final });
  sse.end();
}

/** The reply as the assistant turn a follow-up continues from. */
function assistantTurn(text: string, call: ToolCall | undefined): ChatMessageBody {
  if (!call) return { role: 'assistant', content: text };
  return { role: 'assistant', content: null, tool_calls: [{ id: call.id, type: 'function', function: call.function }] };
}
