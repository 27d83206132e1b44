import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../core/logging/logger';
import type { RunningApiServer } from '../core/server/apiServerController';
import { startApiServer } from '../hosts/api/apiServer';
import { populateModelsDir } from '../testing/fixtureModels';
import { createTestCore } from '../testing/testCore';
import { formatPs, psCommand } from './ps';
import { runCommand, type RunDeps } from './run';

// `hearth run` and `hearth ps` on a real core and engine (tiny generated models).
let env: Awaited<ReturnType<typeof createTestCore>>;
let ids: Awaited<ReturnType<typeof populateModelsDir>>;

beforeAll(async () => {
  env = await createTestCore();
  ids = await populateModelsDir(env.modelsDir);
});
afterAll(async () => {
  await env?.cleanup();
});

function deps(input: NodeJS.ReadableStream, interactive: boolean, signal = new AbortController().signal) {
  const out: string[] = [];
  const err: string[] = [];
  const value: RunDeps = { core: env.core, modelsDir: env.modelsDir, out: { write: (text) => void out.push(text), isTTY: false }, err: (text) => void err.push(text), input, interactive, signal };
  return { value, out: () => out.join(''), err: () => err.join('') };
}

describe('hearth run', () => {
  it('prints one streamed reply to a prompt and exits 0; the model is named by file name', async () => {
    const run = deps(new PassThrough(), false);
    const code = await runCommand({ model: 'hearth-tiny-q4_0', prompt: 'hello', maxTokens: 8, temperature: 0, contextSize: 512 }, run.value);
    expect(run.err()).toBe('');
    expect(code).toBe(0);
    expect(run.out().endsWith('\n')).toBe(true);
    expect(run.out().trim().length).toBeGreaterThan(0);
    expect(env.core.fleet.primary?.modelId).toBe(ids.tinyId);
  });

  it('reads the prompt from stdin without a terminal, and chats line by line until /bye', async () => {
    const stdin = new PassThrough();
    stdin.end('hello from a pipe\n');
    const piped = deps(stdin, false);
    expect(await runCommand({ model: ids.tinyId, maxTokens: 4 }, piped.value)).toBe(0);
    expect(piped.out().trim().length).toBeGreaterThan(0);

    const lines = new PassThrough();
    const chat = deps(lines, true);
    const done = runCommand({ model: ids.tinyId, maxTokens: 4 }, chat.value);
    lines.write('first question\n');
    lines.write('second question\n');
    lines.write('/bye\n');
    expect(await done).toBe(0);
    expect(chat.err()).toBe('');
    expect(chat.out().split('>>> ')).toHaveLength(4);
  });

  it('names an unknown model in one line and exits 1', async () => {
    const run = deps(new PassThrough(), false);
    expect(await runCommand({ model: 'nobody/nothing.gguf', prompt: 'hi' }, run.value)).toBe(1);
    expect(run.err()).toBe(`hearth: No model "nobody/nothing.gguf" in ${env.modelsDir} (hearth ls lists them).\n`);
  });
});

describe('hearth ps', () => {
  let server: RunningApiServer;
  beforeAll(async () => {
    server = await startApiServer({ core: env.core, host: '127.0.0.1', port: 0, apiKey: 'ps-test-key', logger: silentLogger, idleUnloadMs: 0 });
  });
  afterAll(async () => server?.close());

  it("shows the server's loaded model with its context, parallel sequences and requests", async () => {
    const origin = server.baseUrl.replace(/\/v1$/, '');
    const said: string[] = [];
    const errors: string[] = [];
    const io = { say: (text: string) => void said.push(text), err: (text: string) => void errors.push(text) };
    expect(await psCommand({ json: false }, { target: { origin, apiKey: 'ps-test-key' }, ...io })).toBe(0);
    const [header, row] = said.join('').trimEnd().split('\n');
    expect(header).toMatch(/^NAME\s+MEMORY\s+VRAM\s+CONTEXT\s+PARALLEL\s+ACTIVE\s+QUEUED\s+UNLOADS$/);
    expect(row).toMatch(new RegExp(`^${ids.tinyId.replaceAll('.', '\\.')}\\s+\\d+(\\.\\d+)? [kMG]?B\\s+-\\s+512\\s+\\d\\s+0\\s+0\\s+when evicted$`));
    expect(await psCommand({ json: false }, { target: { origin }, ...io })).toBe(1);
    expect(errors.at(-1)).toContain('needs its API key');
    // Nothing listens on port 9 of loopback.
    expect(await psCommand({ json: false }, { target: { origin: 'http://127.0.0.1:9' }, ...io })).toBe(1);
    expect(errors.at(-1)).toContain('no Hearth API server answers at http://127.0.0.1:9');
  });

  it('formats an empty engine and a load under way', () => {
    expect(formatPs({ models: [], hearth: { engine: 'ready', loading: { model: 'a/b/c.gguf', progress: 0.42 } } })).toBe('No model loaded.\nLoading a/b/c.gguf: 42 %\n');
  });

  it('formats several resident models: pinned in the app, idle with its unload time, on demand', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    const row = (name: string, hearth: { pinned: boolean; active: number }, expires?: string) => ({
      name,
      size: 1e9,
      size_vram: 0,
      context_length: 4096,
      ...(expires ? { expires_at: expires } : {}),
      hearth: { parallel: 2, threads: 2, pinned: hearth.pinned, active_requests: hearth.active, queued_requests: 0, loaded_at: '' },
    });
    const lines = formatPs(
      { models: [row('chat.gguf', { pinned: true, active: 1 }), row('embed.gguf', { pinned: false, active: 0 }, '2026-01-01T00:05:00Z'), row('busy.gguf', { pinned: false, active: 2 })] },
      now,
    ).split('\n');
    expect(lines[1]).toMatch(/^chat\.gguf .* when unloaded in the app$/);
    expect(lines[2]).toMatch(/^embed\.gguf .* in 5 min$/);
    expect(lines[3]).toMatch(/^busy\.gguf .* after use, when idle$/);
  });
});
