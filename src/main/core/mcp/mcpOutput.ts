import { MCP_OUTPUT_CAP_BYTES } from '../../../shared/mcpSchemas';
import type { McpToolResult } from '../../../shared/mcpDto';

/**
 * A tool result as text for the model. Text parts are kept; images, audio and links are described
 * in one line (a local model cannot read them, and base64 would only fill the context); embedded
 * text resources are included with their URI. Cut at `capBytes` of UTF-8 with a note, so one
 * chatty tool cannot flood the context.
 */
export function toolResultText(result: Record<string, unknown>, capBytes = MCP_OUTPUT_CAP_BYTES): McpToolResult {
  const parts: string[] = [];
  const content = Array.isArray(result.content) ? (result.content as Record<string, unknown>[]) : [];
  for (const part of content) parts.push(describePart(part));
  if (parts.length === 0 && result.structuredContent !== undefined) parts.push(JSON.stringify(result.structuredContent, null, 2));
  // Servers on the 2024-10-07 protocol answer `{toolResult}` instead of `content`.
  if (parts.length === 0 && result.toolResult !== undefined) parts.push(typeof result.toolResult === 'string' ? result.toolResult : JSON.stringify(result.toolResult, null, 2));
  const { text, truncated } = capText(parts.join('\n'), capBytes);
  return { content: text, isError: result.isError === true, truncated };
}

function describePart(part: Record<string, unknown>): string {
  switch (part.type) {
    case 'text':
      return String(part.text ?? '');
    case 'image':
    case 'audio':
      return `[${part.type} ${String(part.mimeType ?? '')}, ${base64Bytes(part.data)} bytes, not shown]`;
    case 'resource_link':
      return `[resource link: ${String(part.uri ?? '')}${part.name ? ` (${String(part.name)})` : ''}]`;
    case 'resource': {
      const resource = (part.resource ?? {}) as Record<string, unknown>;
      if (typeof resource.text === 'string') return `[resource ${String(resource.uri ?? '')}]\n${resource.text}`;
      return `[resource ${String(resource.uri ?? '')} ${String(resource.mimeType ?? '')}, ${base64Bytes(resource.blob)} bytes, not shown]`;
    }
    default:
      return `[${String(part.type)} content, not shown]`;
  }
}

function base64Bytes(data: unknown): number {
  return typeof data === 'string' ? Math.floor((data.replace(/=+$/, '').length * 3) / 4) : 0;
}

/** Cuts `text` to at most `capBytes` UTF-8 bytes (never inside a character) and says how much was left out. */
export function capText(text: string, capBytes: number): { text: string; truncated: boolean } {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes <= capBytes) return { text, truncated: false };
  const buffer = Buffer.from(text, 'utf8');
  let end = capBytes;
  // Step back over continuation bytes (10xxxxxx) so the cut falls between characters.
  while (end > 0 && (buffer[end]! & 0xc0) === 0x80) end--;
  const kept = buffer.subarray(0, end).toString('utf8');
  return { text: `${kept}\n\n[Output truncated: ${formatKiB(bytes)} in total, only the first ${formatKiB(capBytes)} are shown.]`, truncated: true };
}

function formatKiB(bytes: number): string {
  return `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} KiB`;
}
