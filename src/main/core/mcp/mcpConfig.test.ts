import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mcpSaveServerArgsSchema } from '../../../shared/mcpSchemas';
import { silentLogger } from '../logging/logger';
import { McpService } from './mcpService';

// mcp.json: validation, atomic writes, unknown keys kept, secrets kept by name, import merge.
let dataDir: string;
let service: McpService;
let path: string;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'hearth-mcp-config-'));
  path = join(dataDir, 'mcp.json');
  service = new McpService({ dataDir, logger: silentLogger, version: '0.0.0-test' });
});
afterEach(async () => {
  await service.close();
  await rm(dataDir, { recursive: true, force: true });
});

const readJson = async () => JSON.parse(await readFile(path, 'utf8'));

describe('mcp.json', () => {
  it('starts empty without a file, and writes the shared shape atomically', async () => {
    await expect(service.listServers()).resolves.toEqual({ configPath: path, configError: null, servers: [] });
    await service.saveServer(mcpSaveServerArgsSchema.parse({ name: 'files', server: { transport: 'stdio', command: 'npx', args: ['-y', 'pkg', '/tmp'], env: { KEY: 'v' } } }));
    expect(await readJson()).toEqual({ mcpServers: { files: { command: 'npx', args: ['-y', 'pkg', '/tmp'], env: { KEY: 'v' } } } });
    await service.saveServer(mcpSaveServerArgsSchema.parse({ name: 'remote', server: { transport: 'http', url: 'http://127.0.0.1:9/mcp', headers: { Authorization: 'Bearer x' } }, timeoutMs: 5000 }));
    expect((await readJson()).mcpServers.remote).toEqual({ url: 'http://127.0.0.1:9/mcp', headers: { Authorization: 'Bearer x' }, timeoutMs: 5000 });
    expect(await readdir(dataDir)).toEqual(['mcp.json']);
  });

  it('keeps an invalid file as it is, names the field, and refuses changes', async () => {
    const bad = '{"mcpServers": {"github": {"command": 42}}}';
    await writeFile(path, bad);
    const overview = await service.listServers();
    expect(overview.servers).toEqual([]);
    expect(overview.configError).toMatch(/^mcpServers\.github\.command: /);
    await expect(service.saveServer(mcpSaveServerArgsSchema.parse({ name: 'x', server: { transport: 'stdio', command: 'x' } }))).rejects.toThrow(/mcp\.json is invalid \(mcpServers\.github\.command: .*\)\. Fix or remove the file; Hearth does not overwrite it\./);
    await expect(service.listTools('github')).rejects.toThrow(/mcp\.json is invalid: mcpServers\.github\.command/);
    expect(await readFile(path, 'utf8')).toBe(bad);

    await writeFile(path, '{"mcpServers": {"both": {"command": "a", "url": "http://127.0.0.1/"}}}');
    expect((await service.listServers()).configError).toBe('mcpServers.both: needs either "command" (a local server) or "url" (a remote one), not both');
    await writeFile(path, '{"mcpServers": {"s": {"url": "ftp://host/"}}}');
    expect((await service.listServers()).configError).toBe('mcpServers.s.url: must be an http:// or https:// URL');
    await writeFile(path, '{"mcpServers": ');
    expect((await service.listServers()).configError).toMatch(/^not valid JSON/);
    // Fixed by hand: picked up at the next read.
    await writeFile(path, '{"mcpServers": {"ok": {"command": "node"}}}');
    expect(await service.listServers()).toMatchObject({ configError: null, servers: [{ name: 'ok', transport: 'stdio', enabled: true, timeoutMs: 30_000, timeoutSet: false }] });
  });

  it('keeps keys it does not know, and stored secrets the UI sends back as null', async () => {
    await writeFile(
      path,
      JSON.stringify({ other: { keep: true }, mcpServers: { gh: { command: 'gh-mcp', env: { TOKEN: 'secret-1', MODE: 'ro' }, disabledTools: ['x'] } } }),
    );
    const overview = await service.listServers();
    expect(overview.servers[0]).toMatchObject({ name: 'gh', envNames: ['TOKEN', 'MODE'] });
    expect(JSON.stringify(overview)).not.toContain('secret-1');
    await service.saveServer(mcpSaveServerArgsSchema.parse({ name: 'github', previousName: 'gh', server: { transport: 'stdio', command: 'gh-mcp', args: ['--x'], env: { TOKEN: null, NEW: 'n' } } }));
    expect(await readJson()).toEqual({ other: { keep: true }, mcpServers: { github: { command: 'gh-mcp', args: ['--x'], env: { TOKEN: 'secret-1', NEW: 'n' }, disabledTools: ['x'] } } });
  });

  it('turns a server off and on, and removes it', async () => {
    await writeFile(path, JSON.stringify({ mcpServers: { a: { url: 'http://127.0.0.1:1/mcp' } } }));
    expect((await service.setEnabled('a', false)).servers[0]).toMatchObject({ enabled: false, transport: 'http' });
    expect((await readJson()).mcpServers.a).toEqual({ url: 'http://127.0.0.1:1/mcp', enabled: false });
    await service.setEnabled('a', true);
    expect((await readJson()).mcpServers.a).toEqual({ url: 'http://127.0.0.1:1/mcp' });
    await expect(service.removeServer('nope')).rejects.toThrow('No MCP server named "nope".');
    expect((await service.removeServer('a')).servers).toEqual([]);
    expect(await readJson()).toEqual({ mcpServers: {} });
  });

  it('imports another app’s mcp.json: adds new names, leaves identical ones, suffixes clashes', async () => {
    await writeFile(path, JSON.stringify({ mcpServers: { same: { command: 'a' }, clash: { command: 'b' }, 'clash-2': { command: 'c' } } }));
    const text = JSON.stringify({ mcpServers: { same: { command: 'a' }, clash: { command: 'other' }, fresh: { url: 'https://example.invalid/mcp', type: 'sse' } }, globalShortcut: 'x' });
    const result = await service.importConfig(text);
    expect(result).toMatchObject({ added: ['fresh'], renamed: [{ from: 'clash', to: 'clash-3' }], unchanged: ['same'] });
    expect(result.overview.servers.find((s) => s.name === 'fresh')).toMatchObject({ transport: 'sse' });
    expect((await readJson()).mcpServers['clash-3']).toEqual({ command: 'other' });
    // The imported file's other keys are not copied into Hearth's.
    expect((await readJson()).globalShortcut).toBeUndefined();

    await expect(service.importConfig('{"mcpServers": {"x": {"args": []}}}')).rejects.toThrow('That mcp.json cannot be imported: mcpServers.x: needs either "command" (a local server) or "url" (a remote one), not both');
    await expect(service.importConfig('{"servers": {}}')).rejects.toThrow('That mcp.json has no servers under "mcpServers".');
  });

  it('refuses renaming onto a taken name', async () => {
    await writeFile(path, JSON.stringify({ mcpServers: { a: { command: 'a' }, b: { command: 'b' } } }));
    await expect(service.saveServer(mcpSaveServerArgsSchema.parse({ name: 'b', previousName: 'a', server: { transport: 'stdio', command: 'a' } }))).rejects.toThrow('An MCP server named "b" already exists.');
  });
});
