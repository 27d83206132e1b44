import { createHash } from 'node:crypto';
import type { McpTool } from '../../../shared/mcpDto';

/** Longest tool name a generation request accepts (see `toolSchema` in shared/schemas.ts). */
const MAX_NAME = 128;

/**
 * An MCP tool as a generation request offers it to the model (`{name, description, parameters}`),
 * with the server and tool it stands for. Names are `<server>__<tool>`, reduced to the characters a
 * request allows (letters, digits, `_`, `.`, `-`), so two servers' `search` tools never clash.
 */
export interface OfferedTool {
  name: string;
  description?: string;
  parameters: Record<string, unknown>;
  server: string;
  tool: string;
}

export function offeredTools(lists: { server: string; tools: McpTool[] }[]): OfferedTool[] {
  const taken = new Set<string>();
  const out: OfferedTool[] = [];
  for (const { server, tools } of lists) {
    for (const tool of tools) {
      let name = fit(`${safe(server)}__${safe(tool.name)}`);
      for (let n = 2; taken.has(name); n++) name = fit(`${safe(server)}__${safe(tool.name)}`, `-${n}`);
      taken.add(name);
      const description = tool.description ?? tool.title;
      out.push({ name, ...(description ? { description } : {}), parameters: tool.inputSchema, server, tool: tool.name });
    }
  }
  return out;
}

function safe(part: string): string {
  return part.replace(/[^A-Za-z0-9_.-]+/g, '_') || '_';
}

/** Cuts a long name to the limit, keeping it unique with a short hash of the whole. */
function fit(name: string, suffix = ''): string {
  if (name.length + suffix.length <= MAX_NAME) return name + suffix;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
  return `${name.slice(0, MAX_NAME - suffix.length - 9)}-${hash}${suffix}`;
}
