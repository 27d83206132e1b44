import { expect, test } from '@playwright/test';
import { Ollama } from 'ollama';
import OpenAI from 'openai';
import { runHearth, waitUntil } from './support/cliProcess';
import { startHearth, type HearthServer } from './support/hearthServer';
import { MODELS, populateE2eModels } from './support/models';

// The built `hearth serve --port 0 --api-port 0`, driven by the official openai and ollama clients.
const API_LINE = /^Hearth API at (http:\/\/\S+\/v1)$/;
let hearth: HearthServer;
let baseUrl: string;

test.beforeAll(async () => {
  hearth = await startHearth({ populate: populateE2eModels, args: ['--api-port', '0'] });
  await waitUntil('the API line', () => hearth.stdoutLines().some((line) => API_LINE.test(line)));
  baseUrl = API_LINE.exec(hearth.stdoutLines().find((line) => API_LINE.test(line))!)![1]!;
});
test.afterAll(async () => {
  expect(await hearth?.stop()).toBe(0);
});

test('port 0 picks a free port and prints it; the openai client lists models and streams a chat', async () => {
  expect(baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
  expect(Number(new URL(baseUrl).port)).toBeGreaterThan(0);
  const client = new OpenAI({ baseURL: baseUrl, apiKey: 'unused', maxRetries: 0, timeout: 60_000 });
  const ids = (await client.models.list()).data.map((model) => model.id);
  expect(ids.sort()).toEqual([MODELS.small.id, MODELS.tiny.id].sort());
  const stream = await client.chat.completions.create({ model: MODELS.tiny.id, messages: [{ role: 'user', content: 'hello' }], max_tokens: 8, stream: true });
  let text = '';
  let finish: string | null | undefined;
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta.content ?? '';
    finish = chunk.choices[0]?.finish_reason ?? finish;
  }
  expect(text.length).toBeGreaterThan(0);
  expect(['stop', 'length']).toContain(finish);
});

test('the ollama client lists tags and streams a chat; hearth ps shows the loaded model', async () => {
  const origin = baseUrl.replace(/\/v1$/, '');
  const ollama = new Ollama({ host: origin });
  const tags = await ollama.list();
  expect(tags.models.map((model) => model.name)).toContain(MODELS.tiny.id);
  let text = '';
  let done = false;
  for await (const part of await ollama.chat({ model: MODELS.tiny.id, messages: [{ role: 'user', content: 'hi' }], options: { num_predict: 8 }, stream: true })) {
    text += part.message.content;
    done = part.done;
  }
  expect(done).toBe(true);
  expect(text.length).toBeGreaterThan(0);

  const ps = await runHearth(['ps', '--api-port', new URL(origin).port], { ...process.env }).done;
  expect(ps.stderr).toBe('');
  expect(ps.code).toBe(0);
  expect(ps.stdout).toMatch(/^NAME\s+MEMORY/);
  expect(ps.stdout).toContain(MODELS.tiny.id);
});

test('hearth ps without a server says so in one line and exits 1', async () => {
  const ps = await runHearth(['ps', '--api-port', '9'], { ...process.env }).done;
  expect(ps.code).toBe(1);
  expect(ps.stdout).toBe('');
  expect(ps.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(ps.stderr).toContain('no Hearth API server answers at http://127.0.0.1:9');
});
