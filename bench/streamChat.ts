/**
 * One streamed `POST …/chat/completions`, timed at the client, for every bench that talks to an
 * OpenAI-compatible server (Hearth's API or llama-server): the same client for both sides.
 */
export interface StreamedReply {
  /** From the request to the first content delta, in ms. */
  ttftMs: number;
  /** From `stream_options.include_usage`. */
  completionTokens: number;
  /** performance.now() at the first content delta and at the end of the stream. */
  firstAt: number;
  endedAt: number;
}

/** Streams one chat completion of `body` (stream and usage are switched on here) from `chatUrl`. */
export async function streamChat(chatUrl: string, body: Record<string, unknown>, timeoutMs = 300_000): Promise<StreamedReply> {
  const started = performance.now();
  const response = await fetch(chatUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    signal: AbortSignal.timeout(timeoutMs),
    body: JSON.stringify({ ...body, stream: true, stream_options: { include_usage: true } }),
  });
  if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
  let firstAt = 0;
  let completionTokens = 0;
  let buffer = '';
  const decoder = new TextDecoder();
  for await (const bytes of response.body) {
    buffer += decoder.decode(bytes as Uint8Array, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) !== -1) {
      const frame = buffer.slice(0, end).replace(/^data: /, '');
      buffer = buffer.slice(end + 2);
      if (!frame.startsWith('{')) continue;
      const chunk = JSON.parse(frame) as { choices?: Array<{ delta?: { content?: string } }>; usage?: { completion_tokens: number } | null };
      if (firstAt === 0 && chunk.choices?.[0]?.delta?.content) firstAt = performance.now();
      if (chunk.usage) completionTokens = chunk.usage.completion_tokens;
    }
  }
  return { ttftMs: firstAt - started, completionTokens, firstAt, endedAt: performance.now() };
}
