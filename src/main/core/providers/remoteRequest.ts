import type { ChatMessage } from '../../../shared/dto';
import type { GenerationRequest } from '../../../shared/generation';

/**
 * A {@link GenerationRequest} in OpenAI's wire shape, for `/v1/chat/completions` (with `messages`)
 * or `/v1/completions` (with `prompt`). Streamed, with the usage in a last chunk
 * (`stream_options.include_usage`). Sampling names are OpenAI's plus llama.cpp server's
 * extensions (`top_k`, `min_p`, `repeat_penalty`, `repeat_last_n`), which vLLM, llama-server and
 * Hearth read and other servers ignore. The seed goes as given (the remote folds it itself).
 */
export function toOpenAiBody(request: GenerationRequest, remoteModel: string): { path: string; body: Record<string, unknown> } {
  const body: Record<string, unknown> = { model: remoteModel, stream: true, stream_options: { include_usage: true } };
  const s = request.sampling ?? {};
  const sampling: Record<string, unknown> = {
    temperature: s.temperature,
    top_k: s.topK,
    top_p: s.topP,
    min_p: s.minP,
    repeat_penalty: s.repeatPenalty,
    presence_penalty: s.presencePenalty,
    frequency_penalty: s.frequencyPenalty,
    repeat_last_n: s.repeatLastN,
    seed: s.seed,
    max_tokens: s.maxTokens,
    stop: s.stop,
  };
  for (const [key, value] of Object.entries(sampling)) if (value !== undefined) body[key] = value;
  const format = request.responseFormat;
  if (format?.type === 'json_object') body.response_format = { type: 'json_object' };
  if (format?.type === 'json_schema') body.response_format = { type: 'json_schema', json_schema: { name: 'response', schema: format.schema, strict: true } };
  if (!request.messages) {
    if (request.logprobs) body.logprobs = request.logprobs.top;
    return { path: '/v1/completions', body: { ...body, prompt: request.prompt } };
  }
  if (request.logprobs) {
    body.logprobs = true;
    body.top_logprobs = request.logprobs.top;
  }
  if (request.tools && request.tools.length > 0) {
    body.tools = request.tools.map((tool) => ({
      type: 'function',
      function: { name: tool.name, ...(tool.description !== undefined ? { description: tool.description } : {}), parameters: tool.parameters ?? { type: 'object', properties: {} } },
    }));
    const choice = request.toolChoice;
    if (choice !== undefined) body.tool_choice = typeof choice === 'string' ? choice : { type: 'function', function: { name: choice.name } };
    if (request.parallelToolCalls !== undefined) body.parallel_tool_calls = request.parallelToolCalls;
  }
  return { path: '/v1/chat/completions', body: { ...body, messages: request.messages.map(toOpenAiMessage) } };
}

/** One turn in OpenAI's shape: an assistant's tool calls as `tool_calls`, a tool result with its `tool_call_id`. */
function toOpenAiMessage(message: ChatMessage): Record<string, unknown> {
  if (message.role === 'tool') return { role: 'tool', content: message.content, tool_call_id: message.toolCallId };
  if (message.role === 'assistant' && message.toolCalls) {
    return {
      role: 'assistant',
      content: message.content === '' ? null : message.content,
      tool_calls: message.toolCalls.map((call) => ({ id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } })),
    };
  }
  return { role: message.role, content: message.content };
}
