import { readFile, stat } from 'node:fs/promises';
import { z } from 'zod';
import {
  envNameSchema,
  headerNameSchema,
  mcpArgsSchema,
  mcpCommandSchema,
  mcpServerNameSchema,
  mcpTimeoutSchema,
  mcpUrlSchema,
} from '../../../shared/mcpSchemas';

/**
 * `mcp.json` in the shape LM Studio, Cursor and Claude Desktop share:
 * `{"mcpServers": {name: {command, args?, env?, cwd?} | {url, headers?}}}`, plus Hearth's optional
 * `enabled` and `timeoutMs` per server. Keys Hearth does not know are kept as they are (on every
 * level), so a file shared with another app survives Hearth's writes.
 */

const entrySchema = z
  .looseObject({
    type: z.enum(['stdio', 'http', 'streamable-http', 'streamableHttp', 'sse']).optional(),
    command: mcpCommandSchema.optional(),
    args: mcpArgsSchema.optional(),
    env: z.record(envNameSchema, z.string().max(32_768)).optional(),
    cwd: z.string().min(1).max(4_096).optional(),
    url: mcpUrlSchema.optional(),
    headers: z.record(headerNameSchema, z.string().max(32_768)).optional(),
    enabled: z.boolean().optional(),
    timeoutMs: mcpTimeoutSchema.optional(),
  })
  .superRefine((entry, ctx) => {
    if ((entry.command === undefined) === (entry.url === undefined)) {
      ctx.addIssue({ code: 'custom', path: [], message: 'needs either "command" (a local server) or "url" (a remote one), not both' });
      return;
    }
    const local = entry.command !== undefined;
    for (const field of local ? ['headers'] : ['args', 'env', 'cwd']) {
      if ((entry as Record<string, unknown>)[field] !== undefined) {
        ctx.addIssue({ code: 'custom', path: [field], message: `"${field}" is for ${local ? 'a url' : 'a command'} server only` });
      }
    }
    if (local && entry.type !== undefined && entry.type !== 'stdio') ctx.addIssue({ code: 'custom', path: ['type'], message: 'a command server is "stdio"' });
    if (!local && entry.type === 'stdio') ctx.addIssue({ code: 'custom', path: ['type'], message: 'a url server is "http" or "sse"' });
  });

export const mcpFileSchema = z.looseObject({
  mcpServers: z.record(mcpServerNameSchema, entrySchema).default({}),
});

export type McpEntry = z.infer<typeof entrySchema>;
export type McpFile = z.infer<typeof mcpFileSchema>;

/** A server as core uses it: secrets included, so it never leaves core. */
export type McpDefinition =
  | { transport: 'stdio'; command: string; args: string[]; env: Record<string, string>; cwd?: string }
  | { transport: 'http' | 'sse'; url: string; headers: Record<string, string> };

export function definitionOf(entry: McpEntry): McpDefinition {
  if (entry.command !== undefined) {
    return { transport: 'stdio', command: entry.command, args: entry.args ?? [], env: entry.env ?? {}, ...(entry.cwd ? { cwd: entry.cwd } : {}) };
  }
  return { transport: entry.type === 'sse' ? 'sse' : 'http', url: entry.url!, headers: entry.headers ?? {} };
}

/** Parses `mcp.json` text; the error names the field (`mcpServers.github.command: …`). */
export function parseMcpFile(text: string): { ok: true; file: McpFile } | { ok: false; error: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `not valid JSON (${(error as Error).message})` };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, error: 'does not hold a JSON object' };
  const parsed = mcpFileSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, error: describeIssues(parsed.error) };
  return { ok: true, file: parsed.data };
}

function describeIssues(error: z.ZodError): string {
  const shown = error.issues.slice(0, 3).map((issue) => `${issue.path.length ? issue.path.map(String).join('.') : '(file)'}: ${issue.message}`);
  return shown.join('; ') + (error.issues.length > 3 ? `; and ${error.issues.length - 3} more` : '');
}

/** Identifies one version of the file on disk, to notice a hand edit. */
export interface FileStamp {
  mtimeMs: number;
  size: number;
}

export async function stampOf(path: string): Promise<FileStamp | null> {
  try {
    const info = await stat(path);
    return { mtimeMs: info.mtimeMs, size: info.size };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

export async function readText(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** Canonical JSON for comparing two entries (key order ignored). */
export function sameEntry(a: McpEntry, b: McpEntry): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
