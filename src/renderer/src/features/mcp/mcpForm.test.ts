import { describe, expect, it } from 'vitest';
import type { McpServerInfo } from '../../../../shared/mcpDto';
import { argsFromForm, emptyForm, formFromServer } from './mcpForm';

const stored: McpServerInfo = {
  name: 'github',
  enabled: true,
  transport: 'stdio',
  command: 'npx',
  args: ['-y', 'server-github'],
  envNames: ['GITHUB_TOKEN'],
  headerNames: [],
  timeoutMs: 45_000,
  timeoutSet: true,
  status: { state: 'off' },
};

describe('the MCP server form', () => {
  it('turns a stdio form into saveServer arguments: one argument per line, new secrets set', () => {
    const form = { ...emptyForm(), name: ' files ', command: 'npx', args: '-y\n\n @modelcontextprotocol/server-filesystem \n/home/me', env: [{ name: 'KEY', value: 'v', stored: false }] };
    expect(argsFromForm(form, null)).toEqual({
      ok: true,
      args: { name: 'files', server: { transport: 'stdio', command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem', '/home/me'], env: { KEY: 'v' } }, timeoutMs: null },
    });
  });

  it('edits a stored server: its secrets come back as null (kept) unless retyped, a rename names the old one', () => {
    const form = formFromServer(stored);
    expect(form).toMatchObject({ args: '-y\nserver-github', env: [{ name: 'GITHUB_TOKEN', value: '', stored: true }], timeoutSeconds: '45' });
    const renamed = argsFromForm({ ...form, name: 'gh' }, 'github');
    expect(renamed).toMatchObject({ ok: true, args: { name: 'gh', previousName: 'github', server: { env: { GITHUB_TOKEN: null } }, timeoutMs: 45_000 } });
    const retyped = argsFromForm({ ...form, env: [{ name: 'GITHUB_TOKEN', value: 'new', stored: true }] }, 'github');
    expect(retyped).toMatchObject({ ok: true, args: { server: { env: { GITHUB_TOKEN: 'new' } } } });
    expect(retyped.ok && 'previousName' in retyped.args).toBe(false);
  });

  it('turns a URL form into http or sse, and names the field of a mistake', () => {
    const form = { ...emptyForm(), name: 'remote', kind: 'url' as const, url: 'https://example.com/mcp', headers: [{ name: 'Authorization', value: 'Bearer k', stored: false }] };
    expect(argsFromForm(form, null)).toMatchObject({ ok: true, args: { server: { transport: 'http', url: 'https://example.com/mcp', headers: { Authorization: 'Bearer k' } } } });
    expect(argsFromForm({ ...form, sseOnly: true }, null)).toMatchObject({ ok: true, args: { server: { transport: 'sse' } } });
    expect(argsFromForm({ ...form, url: 'example.com' }, null)).toEqual({ ok: false, error: 'URL: must be an http:// or https:// URL' });
    expect(argsFromForm({ ...emptyForm(), name: 'x' }, null)).toEqual({ ok: false, error: 'Command: command is empty' });
    expect(argsFromForm({ ...emptyForm(), command: 'x' }, null)).toMatchObject({ ok: false, error: expect.stringMatching(/^Name: /) });
    expect(argsFromForm({ ...form, timeoutSeconds: '0.5' }, null)).toEqual({ ok: false, error: 'Timeout: a number of seconds from 1 to 600.' });
  });
});
