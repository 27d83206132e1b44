import { expect, test, type Page } from '@playwright/test';
import type { InferenceState, ModelInfo } from '../src/shared/dto';
import { startHearth, type HearthServer } from './support/hearthServer';
import { MODELS, populateE2eModels } from './support/models';
import { RpcClient } from './support/rpcClient';

// The whole app: built UI in Chromium, `hearth serve`, real llama.cpp in the engine process.
let server: HearthServer;
let rpc: RpcClient;

test.beforeAll(async () => {
  server = await startHearth({ populate: populateE2eModels });
  rpc = await RpcClient.connect(server.origin, server.token);
});
// Each test starts with nothing loaded, whatever the previous one left.
test.beforeEach(async () => {
  await rpc.call('inference.unloadModel');
});
test.afterAll(async () => {
  rpc.close();
  expect(await server.stop()).toBe(0);
});

async function openModels(page: Page) {
  await page.goto(server.url);
  await page.getByRole('navigation').getByRole('link', { name: 'Models' }).click();
  await expect(page.getByRole('heading', { name: 'My Models' })).toBeVisible();
}

async function loadSmallModel(page: Page) {
  await openModels(page);
  await page.getByRole('button', { name: `Load ${MODELS.small.name}` }).click();
  await expect(page.getByRole('button', { name: `Unload ${MODELS.small.name}` })).toBeVisible();
}

/** Counts distinct text states of the streaming reply, observed in the page as they render. */
async function watchStreaming(page: Page) {
  await page.evaluate(() => {
    const seen = new Set<string>();
    (window as unknown as { __seen: Set<string> }).__seen = seen;
    const observer = new MutationObserver(() => {
      const busy = document.querySelector('article[aria-busy="true"]');
      if (busy) seen.add(busy.textContent ?? '');
    });
    observer.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  });
  return () => page.evaluate(() => (window as unknown as { __seen: Set<string> }).__seen.size);
}

test('lists local models with metadata, and a broken file as unreadable with a reason', async ({ page }) => {
  await openModels(page);
  const list = page.getByRole('main');
  await expect(list.getByText(MODELS.small.name)).toBeVisible();
  await expect(list.getByText(MODELS.tiny.name)).toBeVisible();
  await expect(list.getByRole('cell', { name: '135M', exact: true })).toBeVisible();
  await expect(list.getByText('Q4_0').first()).toBeVisible();
  await expect(list.getByText('garbage.gguf')).toBeVisible();
  await expect(list.getByText('Unreadable')).toBeVisible();
  // The reason llama.cpp's reader gave is shown, not just a label.
  const models = await rpc.call<ModelInfo[]>('library.listModels');
  const reason = models.find((m) => m.id === MODELS.garbage.id)?.error;
  expect(reason).toBeTruthy();
  await expect(list.getByText(reason!)).toBeVisible();
  await expect(page.getByRole('button', { name: /^Load .*garbage/ })).toHaveCount(0);

  // Load and unload from the list; the status bar follows.
  await page.getByRole('button', { name: `Load ${MODELS.tiny.name}` }).click();
  await expect(page.getByRole('button', { name: `Unload ${MODELS.tiny.name}` })).toBeVisible();
  await expect(page.getByRole('status', { name: 'Status bar' })).toContainText(MODELS.tiny.name);
  await page.getByRole('button', { name: `Unload ${MODELS.tiny.name}` }).click();
  await expect(page.getByRole('button', { name: `Load ${MODELS.tiny.name}` })).toBeVisible();
  await expect(page.getByRole('status', { name: 'Status bar' })).toContainText('no model loaded');
});

test('a chat reply streams token by token and ends with stats; reload restores the loaded model', async ({ page }) => {
  // Loaded by another client with a short context, so the reply runs to the end of it within seconds;
  // the page shows what the server has loaded, whoever loaded it.
  await rpc.call('inference.loadModel', { modelId: MODELS.small.id, contextSize: 600 });
  await page.goto(server.url);
  await page.getByRole('navigation').getByRole('link', { name: 'Chat' }).click();
  await expect(page.getByRole('main')).toContainText(MODELS.small.name);
  const distinctStates = await watchStreaming(page);
  await page.getByLabel('Message').fill('Tell me a story');
  await page.getByRole('button', { name: 'Send' }).click();
  const reply = page.getByRole('article', { name: 'assistant message' }).last();
  await expect(reply).toHaveAttribute('aria-busy', 'true');
  await expect(reply.getByTestId('reply-stats')).toBeVisible({ timeout: 60_000 });
  await expect(reply).not.toHaveAttribute('aria-busy', 'true');
  // Many intermediate renders: the reply arrived in pieces, not at once.
  expect(await distinctStates()).toBeGreaterThan(5);
  await expect(reply.getByTestId('reply-stats')).toContainText(/\d+ tok · [\d.]+ tok\/s · TTFT \d+(\.\d+)? ms/);
  await expect(page.getByRole('article', { name: 'user message' }).last()).toContainText('Tell me a story');

  await page.reload();
  await expect(page.getByRole('status', { name: 'Status bar' })).toContainText(MODELS.small.name);
  await expect(page.getByRole('main')).toContainText('600 ctx');
});

test('Stop ends a reply mid-stream and keeps what was written', async ({ page }) => {
  await loadSmallModel(page);
  await page.getByRole('navigation').getByRole('link', { name: 'Chat' }).click();
  await page.getByLabel('Message').fill('Write a very long answer');
  await page.keyboard.press('Enter');
  const reply = page.getByRole('article', { name: 'assistant message' }).last();
  await expect(reply).toHaveAttribute('aria-busy', 'true');
  await expect.poll(async () => (await reply.textContent())?.length ?? 0).toBeGreaterThan(20);
  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(reply.getByTestId('reply-stats')).toContainText('abort');
  await expect(page.getByRole('button', { name: 'Send' })).toBeVisible();
  const state = await rpc.call<InferenceState>('inference.getState');
  expect(state.activeRequests).toEqual([]);
});

test('the engine process dying mid-reply shows a clear error, and the next load and chat work', async ({ page }) => {
  await loadSmallModel(page);
  await page.getByRole('navigation').getByRole('link', { name: 'Chat' }).click();
  const { engine } = await rpc.call<InferenceState>('inference.getState');
  expect(engine.pid).toBeGreaterThan(0);
  await page.getByLabel('Message').fill('Keep talking');
  await page.getByRole('button', { name: 'Send' }).click();
  const reply = page.getByRole('article', { name: 'assistant message' }).last();
  await expect.poll(async () => (await reply.textContent())?.length ?? 0).toBeGreaterThan(20);
  process.kill(engine.pid!, 'SIGKILL');
  await expect(reply.getByRole('alert')).toContainText('stopped unexpectedly');
  await expect(page.getByText(/crashed/).first()).toBeVisible();

  await loadSmallModel(page);
  const { engine: fresh } = await rpc.call<InferenceState>('inference.getState');
  expect(fresh.pid).not.toBe(engine.pid);
  await page.getByRole('navigation').getByRole('link', { name: 'Chat' }).click();
  await page.getByLabel('Message').fill('Are you back?');
  await page.getByRole('button', { name: 'Send' }).click();
  const next = page.getByRole('article', { name: 'assistant message' }).last();
  await expect.poll(async () => (await next.textContent())?.length ?? 0).toBeGreaterThan(20);
  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(next.getByTestId('reply-stats')).toContainText('abort');
});
