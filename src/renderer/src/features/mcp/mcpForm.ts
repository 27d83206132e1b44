import type { McpServerInfo } from '../../../../shared/mcpDto';
import { MCP_DEFAULT_TIMEOUT_MS, mcpSaveServerArgsSchema, type McpSaveServerArgs } from '../../../../shared/mcpSchemas';

/** One environment variable or header as edited: a stored one shows its name only; an empty value keeps what is stored. */
export interface SecretRow {
  name: string;
  value: string;
  stored: boolean;
}

/** The add/edit form as typed. */
export interface McpForm {
  name: string;
  kind: 'stdio' | 'url';
  command: string;
  /** One argument per line. */
  args: string;
  cwd: string;
  env: SecretRow[];
  url: string;
  sseOnly: boolean;
  headers: SecretRow[];
  /** Seconds, as typed; empty = the default. */
  timeoutSeconds: string;
}

export function emptyForm(): McpForm {
  return { name: '', kind: 'stdio', command: '', args: '', cwd: '', env: [], url: '', sseOnly: false, headers: [], timeoutSeconds: '' };
}

export function formFromServer(server: McpServerInfo): McpForm {
  const stored = (names: string[]) => names.map((name) => ({ name, value: '', stored: true }));
  return {
    name: server.name,
    kind: server.transport === 'stdio' ? 'stdio' : 'url',
    command: server.command ?? '',
    args: (server.args ?? []).join('\n'),
    cwd: server.cwd ?? '',
    env: stored(server.envNames),
    url: server.url ?? '',
    sseOnly: server.transport === 'sse',
    headers: stored(server.headerNames),
    timeoutSeconds: server.timeoutSet ? String(server.timeoutMs / 1000) : '',
  };
}

/** `mcp.saveServer` arguments, or the first problem in words (naming the field). */
export function argsFromForm(form: McpForm, previousName: string | null): { ok: true; args: McpSaveServerArgs } | { ok: false; error: string } {
  const timeout = form.timeoutSeconds.trim();
  const seconds = timeout === '' ? null : Number(timeout);
  if (seconds !== null && !(Number.isFinite(seconds) && seconds >= 1 && seconds <= 600)) return { ok: false, error: 'Timeout: a number of seconds from 1 to 600.' };
  const rows = (list: SecretRow[]) => Object.fromEntries(list.filter((row) => row.name.trim()).map((row) => [row.name.trim(), row.stored && row.value === '' ? null : row.value]));
  const server =
    form.kind === 'stdio'
      ? {
          transport: 'stdio' as const,
          command: form.command.trim(),
          args: form.args.split('\n').map((line) => line.trim()).filter(Boolean),
          env: rows(form.env),
          ...(form.cwd.trim() ? { cwd: form.cwd.trim() } : {}),
        }
      : { transport: form.sseOnly ? ('sse' as const) : ('http' as const), url: form.url.trim(), headers: rows(form.headers) };
  const candidate = {
    name: form.name.trim(),
    ...(previousName !== null && previousName !== form.name.trim() ? { previousName } : {}),
    server,
    timeoutMs: seconds === null ? null : Math.round(seconds * 1000),
  };
  const parsed = mcpSaveServerArgsSchema.safeParse(candidate);
  if (parsed.success) return { ok: true, args: parsed.data };
  const issue = parsed.error.issues[0]!;
  return { ok: false, error: `${fieldLabel(issue.path)}: ${issue.message}` };
}

function fieldLabel(path: PropertyKey[]): string {
  const [first, second, third] = path.map(String);
  if (first === 'name') return 'Name';
  if (first === 'server' && second === 'command') return 'Command';
  if (first === 'server' && second === 'url') return 'URL';
  if (first === 'server' && second === 'env') return `Environment variable ${third ?? ''}`.trim();
  if (first === 'server' && second === 'headers') return `Header ${third ?? ''}`.trim();
  if (first === 'server' && second === 'cwd') return 'Working folder';
  return path.join('.') || 'Server';
}

/** The default deadline in seconds, for the placeholder. */
export const DEFAULT_TIMEOUT_SECONDS = MCP_DEFAULT_TIMEOUT_MS / 1000;
