import { expect, test, type Page } from '@playwright/test';
import type { ChatDetail } from '../src/shared/chatDto';
import type { InferenceState } from '../src/shared/dto';
import { startHearth, type HearthServer } from './support/hearthServer';
import { MODELS, populateE2eModels } from './support/models';
import { RpcClient } from './support/rpcClient';

// A reply belongs to core: a reload or a second tab attaches to it instead of stopping it.
let server: HearthServer;
let rpc: RpcClient;

test.beforeAll(async () => {
  server = await startHearth({ populate: populateE2eModels });
  rpc = await RpcClient.connect(server.origin, server.token);
  // A context long enough for replies of several seconds on one thread.
  await rpc.call('inference.loadModel', { modelId: MODELS.small.id, contextSize: 4096, force: true });
});
test.afterAll(async () => {
  rpc.close();
  expect(await server.stop()).toBe(0);
});

const messageBox = (page: Page) => page.getByRole('textbox', { name: 'Message', exact: true });
const replies = (page: Page) => page.getByRole('article', { name: 'assistant message' });
const openChatId = (page: Page) => decodeURIComponent(new URL(page.url()).hash.replace('#/chat/', ''));
const replyLength = async (page: Page) => (await replies(page).last().locator('.markdown').textContent())?.length ?? 0;

async function startLongReply(page: Page, maxTokens: number) {
  await page.goto(server.url);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chat' }).click();
  const maxTokensField = page.getByLabel('Max tokens');
  // The Parameters panel may start closed (first run): open it.
  if (!(await maxTokensField.isVisible())) await page.getByRole('button', { name: 'Parameters' }).click();
  await maxTokensField.fill(String(maxTokens));
  await messageBox(page).fill('Write a long answer');
  await messageBox(page).press('Enter');
  await expect.poll(() => replyLength(page)).toBeGreaterThan(40);
}

test('a reload mid-reply attaches to the same reply, which continues to its end in the page', async ({ page }) => {
  await startLongReply(page, 1500);
  const chatId = openChatId(page);
  await page.reload();
  // The same reply (one assistant message), still being written: the text so far, then more.
  await expect(replies(page)).toHaveCount(1);
  await expect(page.getByRole('button', { name: 'Stop' })).toBeVisible();
  const afterReload = await replyLength(page);
  await expect.poll(() => replyLength(page)).toBeGreaterThan(afterReload);
  await expect(replies(page).last().getByTestId('reply-stats')).toContainText('length limit', { timeout: 60_000 });
  const stored = await rpc.call<ChatDetail>('chats.get', { chatId });
  const reply = stored.messages.find((m) => m.role === 'assistant')!;
  expect(reply.reply).toMatchObject({ status: 'done', stopReason: 'length' });
  await expect(replies(page).last().locator('.markdown')).toHaveText(reply.content.trim());
});

test('Stop after a reload stops the reply; a second tab sees the same reply and its end', async ({ page, context }) => {
  await startLongReply(page, 4000);
  const chatId = openChatId(page);
  const other = await context.newPage();
  await other.goto(page.url());
  await expect(replies(other)).toHaveCount(1);
  await expect.poll(() => replyLength(other)).toBeGreaterThan(40);
  await page.reload();
  await expect(page.getByRole('button', { name: 'Stop' })).toBeVisible();
  await page.getByRole('button', { name: 'Stop' }).click();
  for (const tab of [page, other]) await expect(replies(tab).last().getByTestId('reply-stats')).toContainText('stopped by you');
  const reply = (await rpc.call<ChatDetail>('chats.get', { chatId })).messages.find((m) => m.role === 'assistant')!;
  for (const tab of [page, other]) await expect(replies(tab).last().locator('.markdown')).toHaveText(reply.content.trim());
  expect((await rpc.call<InferenceState>('inference.getState')).activeRequests).toEqual([]);
});
