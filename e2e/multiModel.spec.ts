import { expect, test, type Locator, type Page } from '@playwright/test';
import type { ChatDetail } from '../src/shared/chatDto';
import { startHearth, type HearthServer } from './support/hearthServer';
import { expectButtonsInside, expectNoHorizontalOverflow, openParameters } from './support/layout';
import { MODELS, populateE2eModels } from './support/models';
import { RpcClient } from './support/rpcClient';

// Each chat keeps its own model: two models resident, two chats in two tabs, replies at once.
let server: HearthServer;
let rpc: RpcClient;

test.beforeAll(async () => {
  server = await startHearth({ populate: populateE2eModels });
  rpc = await RpcClient.connect(server.origin, server.token);
});
test.beforeEach(async () => {
  // Both resident (pinned, as loads from the app are); the tiny one loaded last is the primary.
  await rpc.call('inference.loadModel', { modelId: MODELS.small.id, contextSize: 2048, parallel: 1, force: true });
  await rpc.call('inference.loadModel', { modelId: MODELS.tiny.id, contextSize: 512, parallel: 1, force: true });
});
test.afterAll(async () => {
  rpc.close();
  expect(await server.stop()).toBe(0);
});

const messageBox = (page: Page) => page.getByRole('textbox', { name: 'Message', exact: true });
const lastReply = (page: Page) => page.getByRole('article', { name: 'assistant message' }).last();
const stats = (reply: Locator) => reply.getByTestId('reply-stats');
const modelBar = (page: Page) => page.getByRole('region', { name: 'Model bar' });
const openChatId = (page: Page) => decodeURIComponent(new URL(page.url()).hash.replace('#/chat/', ''));

async function newChat(page: Page, maxTokens: number) {
  await page.goto(server.url);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chat' }).click();
  await expect(messageBox(page)).toBeEnabled();
  await openParameters(page);
  await page.getByLabel('Max tokens').fill(String(maxTokens));
}

/** Puts the open chat on a resident model from its model picker. */
async function useModel(page: Page, name: string) {
  await modelBar(page).getByRole('button', { name: /choose model/ }).click();
  const menu = page.getByRole('dialog', { name: 'Models' });
  await expect(menu.getByRole('list', { name: 'Loaded models' }).getByRole('listitem')).toHaveCount(2);
  await menu.getByRole('button', { name: `Use ${name} in this chat` }).click();
  await expect(modelBar(page).getByTestId('model-bar-name')).toHaveText(name);
}

async function lastReplyModel(chatId: string): Promise<string | undefined> {
  const detail = await rpc.call<ChatDetail>('chats.get', { chatId });
  const lastId = detail.activePath.at(-1);
  return detail.messages.find((m) => m.id === lastId)?.reply?.modelId;
}

test('two chats on two models stream at the same time in two tabs; each reply is written by its chat\'s model', async ({ browser }) => {
  test.setTimeout(180_000);
  const [slowTab, tinyTab] = await Promise.all([browser.newPage(), browser.newPage()]);
  // The small model writes a long reply (tens of tokens/s); the tiny one a short one in a moment.
  await Promise.all([newChat(slowTab, 1000), newChat(tinyTab, 300)]);
  await useModel(slowTab, MODELS.small.name);
  await useModel(tinyTab, MODELS.tiny.name);

  // The status bar lists every resident model.
  const status = slowTab.getByRole('status', { name: 'Status bar' });
  await expect(status.getByTestId('status-model')).toHaveText(/^2 models: /);
  await expect(status).toContainText(MODELS.small.name);
  await expect(status).toContainText(MODELS.tiny.name);
  await expect(status.getByTestId('status-model')).toHaveAttribute('title', /in memory, \d+ repl(y|ies) running/);

  await messageBox(slowTab).fill('Tell me a long story about rivers');
  await messageBox(slowTab).press('Enter');
  await expect.poll(async () => (await lastReply(slowTab).textContent())?.length ?? 0, { timeout: 60_000 }).toBeGreaterThan(20);

  // While the small model's reply streams, the tiny model's whole reply streams and ends.
  await messageBox(tinyTab).fill('And a short one about mountains');
  await messageBox(tinyTab).press('Enter');
  await expect(stats(lastReply(tinyTab))).toBeVisible({ timeout: 60_000 });
  await expect(slowTab.getByRole('button', { name: 'Stop' })).toBeVisible();
  await expect(stats(lastReply(slowTab))).toHaveCount(0);
  expect(((await lastReply(tinyTab).textContent()) ?? '').length).toBeGreaterThan(20);

  await expect(stats(lastReply(slowTab))).toBeVisible({ timeout: 150_000 });
  expect(await lastReplyModel(openChatId(slowTab))).toBe(MODELS.small.id);
  expect(await lastReplyModel(openChatId(tinyTab))).toBe(MODELS.tiny.id);
  // Each tab's bar still shows its own chat's model, whichever model is primary now.
  await expect(modelBar(slowTab).getByTestId('model-bar-name')).toHaveText(MODELS.small.name);
  await expect(modelBar(tinyTab).getByTestId('model-bar-name')).toHaveText(MODELS.tiny.name);
  await Promise.all([slowTab.close(), tinyTab.close()]);
});

test('a chat whose model was unloaded says so; loading it from the picker continues the chat, Use moves it to another model', async ({ page }) => {
  await newChat(page, 16);
  await useModel(page, MODELS.tiny.name);
  await messageBox(page).fill('Hello');
  await messageBox(page).press('Enter');
  await expect(stats(lastReply(page))).toBeVisible({ timeout: 60_000 });
  const chatId = openChatId(page);

  await rpc.call('inference.unloadModel', { modelId: MODELS.tiny.id });
  await expect(modelBar(page).getByTestId('model-bar-not-loaded')).toHaveText('Not loaded: load it or pick a loaded model');
  await expect(modelBar(page).getByTestId('model-bar-name')).toHaveText(MODELS.tiny.name);
  await expect(messageBox(page)).toHaveAttribute('placeholder', `Load ${MODELS.tiny.name} to continue this chat, or pick a loaded model`);
  // Core refuses it too (never loads it behind the user's back).
  await expect(rpc.call('chats.send', { chatId, content: 'x' })).rejects.toThrow(`Load ${MODELS.tiny.name} to continue this chat, or pick a loaded model.`);

  await modelBar(page).getByRole('button', { name: /choose model/ }).click();
  const menu = page.getByRole('dialog', { name: 'Models' });
  await expect(menu.getByRole('list', { name: 'Loaded models' })).toContainText(/[\d.]+ [KMG]?B in memory · 2048 ctx loaded/);
  await menu.getByRole('list', { name: 'Other models' }).getByRole('button', { name: `Load ${MODELS.tiny.name}` }).click();
  await expect(modelBar(page).getByTestId('model-bar-status')).toHaveText(/Loaded/, { timeout: 60_000 });
  await expect(modelBar(page)).toContainText('512 ctx');
  await messageBox(page).fill('Back again');
  await messageBox(page).press('Enter');
  await expect(page.getByRole('article', { name: 'assistant message' })).toHaveCount(2);
  await expect(stats(lastReply(page))).toBeVisible({ timeout: 60_000 });
  expect(await lastReplyModel(chatId)).toBe(MODELS.tiny.id);

  await useModel(page, MODELS.small.name);
  await expect(modelBar(page)).toContainText('2048 ctx');
  await messageBox(page).fill('Now the other model');
  await messageBox(page).press('Enter');
  await expect(page.getByRole('article', { name: 'assistant message' })).toHaveCount(3);
  await expect(stats(lastReply(page))).toBeVisible({ timeout: 60_000 });
  expect(await lastReplyModel(chatId)).toBe(MODELS.small.id);
});

test('800×600: the picker with two resident models and the status bar fit, every control on screen', async ({ browser }) => {
  const page = await browser.newPage({ viewport: { width: 800, height: 600 } });
  try {
    await page.goto(server.url);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chat' }).click();
    await expect(messageBox(page)).toBeVisible();
    await expect(page.getByRole('status', { name: 'Status bar' }).getByTestId('status-model')).toHaveText(/^2 models: /);
    await modelBar(page).getByRole('button', { name: /choose model/ }).click();
    const menu = page.getByRole('dialog', { name: 'Models' });
    await expect(menu.getByRole('list', { name: 'Loaded models' }).getByRole('listitem')).toHaveCount(2);
    for (const name of [MODELS.small.name, MODELS.tiny.name]) {
      await expect(menu.getByRole('button', { name: `Use ${name} in this chat` })).toBeInViewport();
      await expect(menu.getByRole('button', { name: `Unload ${name}` })).toBeInViewport();
    }
    await expectNoHorizontalOverflow(page, 'chat with the model picker open');
    await expectButtonsInside(page, 'chat with the model picker open');
  } finally {
    await page.close();
  }
});
