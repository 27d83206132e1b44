import type { ApiContext } from './apiContext';
import type { ApiExchange } from './exchange';
import { answerGeneration, type ResponseShape } from './generationResponse';
import { choicesOf, completionPrompt, logprobsOf, DEFAULT_COMPLETION_MAX_TOKENS, refuseLegacyFunctions, toChatMessages, toResponseFormat, toSampling } from './openaiParams';
import { chatCompletionBodySchema, completionBodySchema, parseBody } from './openaiSchemas';
import { requestMcpTools, mcpToolLoop } from './mcpLoop';
import { badRequest } from './openaiErrors';
import { toolCallDelta, toolFields } from './toolCalls';

const chatShape: ResponseShape = {
  idPrefix: 'chatcmpl',
  object: 'chat.completion',
  chunkObject: 'chat.completion.chunk',
  opening: (toolCall) => ({ index: 0, delta: { role: 'assistant', content: toolCall ? null : '' }, logprobs: null, finish_reason: null }),
  delta: (text) => ({ index: 0, delta: { content: text }, logprobs: null, finish_reason: null }),
  finish: (reason) => ({ index: 0, delta: {}, logprobs: null, finish_reason: reason }),
  toolCallDelta: (event) => ({ index: 0, delta: { tool_calls: [toolCallDelta(event)] }, logprobs: null, finish_reason: null }),
  // A reply that only calls tools has `content: null`, as OpenAI's.
  whole: (text, reason, toolCalls) => ({
    index: 0,
    message: { role: 'assistant', content: toolCalls && text === '' ? null : text, refusal: null, ...(toolCalls ? { tool_calls: toolCalls } : {}) },
    logprobs: null,
    finish_reason: reason,
  }),
  logprobs: (entries) => ({
    content: entries.map((e) => ({ token: e.token, logprob: e.logprob, bytes: e.bytes, top_logprobs: e.top.map((t) => ({ token: t.token, logprob: t.logprob, bytes: t.bytes })) })),
    refusal: null,
  }),
};

const textShape: ResponseShape = {
  idPrefix: 'cmpl',
  object: 'text_completion',
  chunkObject: 'text_completion',
  delta: (text) => ({ index: 0, text, logprobs: null, finish_reason: null }),
  finish: (reason) => ({ index: 0, text: '', logprobs: null, finish_reason: reason }),
  whole: (text, reason) => ({ index: 0, text, logprobs: null, finish_reason: reason }),
  // The legacy completions shape: parallel lists, and each position's alternatives as {token: logprob}.
  logprobs: (entries, textOffset) => {
    let offset = textOffset;
    return {
      tokens: entries.map((e) => e.token),
      token_logprobs: entries.map((e) => e.logprob),
      top_logprobs: entries.map((e) => Object.fromEntries(e.top.map((t) => [t.token, t.logprob]))),
      text_offset: entries.map((e) => {
        const at = offset;
        offset += e.token.length;
        return at;
      }),
    };
  },
};

/** `POST /v1/chat/completions`: the messages rendered with the model's chat template; `tools` in the model's own tool format (see `toolCalls.ts`). */
export async function chatCompletions(ex: ApiExchange, ctx: ApiContext, body: Record<string, unknown>): Promise<void> {
  const request = parseBody(chatCompletionBodySchema, body);
  ex.model = request.model ?? undefined;
  refuseLegacyFunctions(request);
  const sampling = toSampling(request, request.max_completion_tokens ?? request.max_tokens);
  const responseFormat = toResponseFormat(request.response_format);
  const messages = toChatMessages(request.messages);
  const logprobs = logprobsOf(request, 'chat');
  const n = choicesOf(request);
  // `mcp`: Hearth's extension, tools of MCP servers Hearth runs itself (see mcpLoop.ts), offered beside the client's.
  const mcp = await requestMcpTools(ctx, body);
  if (mcp && (logprobs || n > 1)) throw badRequest(`'mcp' cannot be combined with '${logprobs ? 'logprobs' : 'n'}'.`, logprobs ? 'logprobs' : 'n', 'unsupported_parameter');
  const tools = toolFields(mcp ? { ...request, tools: [...(request.tools ?? []), ...mcp.bodies] } : request);
  await answerGeneration(ex, ctx, {
    request: { ...(request.model ? { model: request.model } : {}), messages, sampling, ...(responseFormat ? { responseFormat } : {}), ...withLogprobs(logprobs), ...tools },
    stream: request.stream === true,
    includeUsage: request.stream_options?.include_usage === true,
    inputParam: 'messages',
    n,
    shape: chatShape,
    ...(mcp ? mcpToolLoop(ctx, mcp.offered) : {}),
  });
}

/** `POST /v1/completions`: the prompt as it is, without a chat template (`max_tokens` defaults to 16, as OpenAI's); `echo` returns the prompt before the completion. */
export async function textCompletions(ex: ApiExchange, ctx: ApiContext, body: Record<string, unknown>): Promise<void> {
  const request = parseBody(completionBodySchema, body);
  ex.model = request.model ?? undefined;
  if (body.mcp != null) throw badRequest("'mcp' needs messages: use /v1/chat/completions or /v1/responses.", 'mcp', 'unsupported_parameter');
  const prompt = completionPrompt(request);
  const sampling = toSampling(request, request.max_tokens ?? DEFAULT_COMPLETION_MAX_TOKENS);
  const responseFormat = toResponseFormat(request.response_format);
  await answerGeneration(ex, ctx, {
    request: { ...(request.model ? { model: request.model } : {}), prompt, sampling, ...(responseFormat ? { responseFormat } : {}), ...withLogprobs(logprobsOf(request, 'text')) },
    stream: request.stream === true,
    includeUsage: request.stream_options?.include_usage === true,
    inputParam: 'prompt',
    n: choicesOf(request),
    ...(request.echo && typeof prompt === 'string' ? { echo: prompt } : {}),
    shape: textShape,
  });
}

function withLogprobs(logprobs: { top: number } | undefined): { logprobs?: { top: number } } {
  return logprobs ? { logprobs } : {};
}
