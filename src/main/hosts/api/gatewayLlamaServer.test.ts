import { spawn, type ChildProcess } from 'node:child_process';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderInfo } from '../../../shared/dto';
import { silentLogger } from '../../core/logging/logger';
import type { RunningApiServer } from '../../core/server/apiServerController';
import { fixtureModel } from '../../testing/fixtureModels';
import { createTestCore } from '../../testing/testCore';
import { startApiServer } from './apiServer';
import { freePort } from '../../testing/freePort';

// The gateway in front of llama.cpp's own server (optional): LLAMA_SERVER=/path/to/llama-server.
// Same checks as gateway.test.ts where llama-server can answer them: recognition, chat plain and
// streamed, JSON schema, wrong key, and a disconnect that frees its slot within a second.

const BINARY = process.env.LLAMA_SERVER;
const KEY = 'llama-server-key-5d1e';
if (!BINARY) console.log('gatewayLlamaServer.test.ts: skipped; set LLAMA_SERVER=/path/to/llama-server to run the gateway against llama.cpp\'s own server.');

let child: ChildProcess;
let base: string;
let gateway: Awaited<ReturnType<typeof createTestCore>>;
let gatewayServer: RunningApiServer;
let client: OpenAI;
let info: ProviderInfo;


async function busySlots(): Promise<number> {
  const slots = (await (await fetch(`${base}/slots`, { headers: { Authorization: `Bearer ${KEY}` } })).json()) as Array<{ is_processing: boolean }>;
  return slots.filter((slot) => slot.is_processing).length;
}

describe.skipIf(!BINARY)('the gateway in front of llama-server', () => {
  beforeAll(async () => {
    const model = await fixtureModel({ preset: 'smollm2-135m', type: 'Q4_0' });
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    child = spawn(BINARY!, ['-m', model, '--host', '127.0.0.1', '--port', String(port), '--api-key', KEY, '--jinja', '--no-webui', '-ngl', '0', '-np', '1', '-t', '1', '-c', '2048', '--slots'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    child.stderr!.on('data', (chunk: Buffer) => void (log = (log + chunk.toString()).slice(-2_000)));
    // Bounded: 600 polls of 200 ms.
    for (let i = 0; i < 600; i++) {
      if (child.exitCode !== null) throw new Error(`llama-server exited:\n${log}`);
      if (await fetch(`${base}/health`).then((r) => r.ok, () => false)) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    gateway = await createTestCore();
    gatewayServer = await startApiServer({ core: gateway.core, host: '127.0.0.1', port: 0, logger: silentLogger, idleUnloadMs: 0 });
    client = new OpenAI({ baseURL: gatewayServer.baseUrl, apiKey: 'not-checked', maxRetries: 0, timeout: 60_000 });
    info = (await gateway.core.dispatch('providers.add', { name: 'llama', baseUrl: `${base}/v1`, apiKey: KEY })) as ProviderInfo;
  }, 180_000);
  afterAll(async () => {
    await gatewayServer?.close();
    await gateway?.cleanup();
    child?.kill('SIGTERM');
  });

  it('is recognised as llama-server and lists its model', () => {
    expect(info).toMatchObject({ status: 'ok', kind: 'llama-server' });
    expect(info.models.length).toBeGreaterThan(0);
  });

  it('answers plain and streamed, with usage, and passes a JSON schema through', async () => {
    const model = info.models[0]!.id;
    const plain = await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'hello' }], max_tokens: 8, temperature: 0 });
    expect(plain.usage?.completion_tokens).toBe(8);
    let text = '';
    for await (const chunk of await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'hello' }], max_tokens: 8, temperature: 0, stream: true })) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe(plain.choices[0]!.message.content);
    const schema = { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'], additionalProperties: false };
    const shaped = await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'JSON' }], max_tokens: 40, temperature: 0, response_format: { type: 'json_schema', json_schema: { name: 'a', schema } } });
    expect(typeof (JSON.parse(shaped.choices[0]!.message.content!) as { ok: unknown }).ok).toBe('boolean');
  }, 120_000);

  it('a wrong key is one sentence naming the provider', async () => {
    const wrong = (await gateway.core.dispatch('providers.add', { name: 'llama-bad', baseUrl: base, apiKey: 'wrong-key-999' })) as ProviderInfo;
    expect(wrong.error).toMatch(/Provider 'llama-bad' refused Hearth's key \(HTTP 401\)/);
    await gateway.core.dispatch('providers.remove', { name: 'llama-bad' });
  });

  it('a client that disconnects frees the slot within a second', async () => {
    const abort = new AbortController();
    const stream = await client.chat.completions.create({ model: info.models[0]!.id, messages: [{ role: 'user', content: 'a long story' }], max_tokens: 400, temperature: 1, stream: true }, { signal: abort.signal });
    let deltas = 0;
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content && ++deltas === 3) {
        abort.abort();
        break;
      }
    }
    let free = false;
    for (let i = 0; i < 20 && !free; i++) {
      free = (await busySlots()) === 0;
      if (!free) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(free).toBe(true);
  }, 120_000);
});
