import { expect, test, type Page } from '@playwright/test';
import type { InferenceState } from '../src/shared/dto';
import { startHearth, type HearthServer } from './support/hearthServer';
import { MODELS, populateE2eModels } from './support/models';
import { RpcClient } from './support/rpcClient';
import { openParameters } from './support/layout';

// Several callers on one engine: two browser tabs chatting at once, a tab that reloads mid-reply.
let server: HearthServer;
let rpc: RpcClient;

test.beforeAll(async () => {
  server = await startHearth({ populate: populateE2eModels });
  rpc = await RpcClient.connect(server.origin, server.token);
  await rpc.call('inference.loadModel', { modelId: MODELS.small.id, contextSize: 1024, parallel: 2, force: true });
});
test.afterAll(async () => {
  rpc.close();
  expect(await server.stop()).toBe(0);
});

async function openChat(page: Page) {
  await page.goto(server.url);
  await page.getByRole('navigation').getByRole('link', { name: 'Chat' }).click();
  await expect(page.getByRole('textbox', { name: 'Message', exact: true })).toBeEnabled();
}

const lastReply = (page: Page) => page.getByRole('article', { name: 'assistant message' }).last();

test('two tabs chat at the same time; each sees only its own reply', async ({ browser }) => {
  const [first, second] = await Promise.all([browser.newPage(), browser.newPage()]);
  await Promise.all([openChat(first), openChat(second)]);
  // Replies of a bounded length, so two at once finish in seconds even on a busy machine.
  await Promise.all([openParameters(first), openParameters(second)]);
  await Promise.all([first, second].map((page) => page.getByLabel('Max tokens').fill('160')));
  await first.getByRole('textbox', { name: 'Message', exact: true }).fill('first tab asks about rivers');
  await second.getByRole('textbox', { name: 'Message', exact: true }).fill('second tab asks about mountains');
  await Promise.all([first.keyboard.press('Enter'), second.keyboard.press('Enter')]);
  // Both replies are generating at the same moment (two sequences of one context).
  await expect.poll(async () => (await rpc.call<InferenceState>('inference.getState')).activeRequests.length).toBe(2);
  for (const page of [first, second]) {
    await expect(lastReply(page).getByTestId('reply-stats')).toBeVisible({ timeout: 60_000 });
  }
  // The article reads "Assistant", then the reply, then its stats.
  const texts = await Promise.all([first, second].map(async (page) => ((await lastReply(page).textContent()) ?? '').replace(/^Assistant/, '')));
  expect(texts[0]!.length).toBeGreaterThan(20);
  expect(texts[1]!.length).toBeGreaterThan(20);
  expect(texts[0]).not.toBe(texts[1]);
  // Each tab shows its own chat (core keeps both): one user message and one reply, nothing of the other's.
  for (const page of [first, second]) {
    await expect(page.getByRole('article', { name: 'assistant message' })).toHaveCount(1);
    await expect(page.getByRole('article', { name: 'user message' })).toHaveCount(1);
  }
  await expect(first.getByRole('main')).not.toContainText(texts[1]!.slice(0, 30));
  await expect(second.getByRole('main')).not.toContainText(texts[0]!.slice(0, 30));
  await Promise.all([first.close(), second.close()]);
});

test('a reply keeps running through a page reload (core owns it); Stop in the reloaded page ends it and the next message works at once', async ({ page }) => {
  await openChat(page);
  await page.getByRole('textbox', { name: 'Message', exact: true }).fill('Write a very long answer');
  await page.keyboard.press('Enter');
  await expect.poll(async () => (await lastReply(page).textContent())?.length ?? 0).toBeGreaterThan(20);
  expect((await rpc.call<InferenceState>('inference.getState')).activeRequests).toHaveLength(1);
  await page.reload();
  // Before replies belonged to core, the closed socket cancelled it; now the page attaches again.
  expect((await rpc.call<InferenceState>('inference.getState')).activeRequests).toHaveLength(1);
  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(lastReply(page).getByTestId('reply-stats')).toContainText('stopped by you');
  await expect.poll(async () => (await rpc.call<InferenceState>('inference.getState')).activeRequests.length, { timeout: 5_000 }).toBe(0);
  await page.getByRole('textbox', { name: 'Message', exact: true }).fill('Are you free again?');
  await page.keyboard.press('Enter');
  await expect.poll(async () => (await lastReply(page).textContent())?.length ?? 0).toBeGreaterThan(20);
  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(lastReply(page).getByTestId('reply-stats')).toContainText('stopped by you');
});

test('with one sequence, a second tab waits in line, says so, and runs when the first is stopped', async ({ browser }) => {
  await rpc.call('inference.loadModel', { modelId: MODELS.small.id, contextSize: 1024, parallel: 1, force: true });
  const [first, second] = await Promise.all([browser.newPage(), browser.newPage()]);
  await Promise.all([openChat(first), openChat(second)]);
  await first.getByRole('textbox', { name: 'Message', exact: true }).fill('Write a very long answer');
  await first.keyboard.press('Enter');
  await expect.poll(async () => (await lastReply(first).textContent())?.length ?? 0).toBeGreaterThan(20);
  await second.getByRole('textbox', { name: 'Message', exact: true }).fill('My turn?');
  await second.keyboard.press('Enter');
  await expect(lastReply(second).getByRole('status')).toHaveText('Waiting for a free slot: next in line…');
  expect((await rpc.call<InferenceState>('inference.getState')).queuedRequests).toBe(1);
  await expect(first.getByTestId('status-replies')).toHaveText('replies running: 1 of 1 · 1 waiting');
  await first.getByRole('button', { name: 'Stop' }).click();
  await expect(lastReply(first).getByTestId('reply-stats')).toContainText('stopped by you');
  await expect.poll(async () => (await lastReply(second).textContent())?.length ?? 0).toBeGreaterThan(30);
  await expect(lastReply(second).getByRole('status')).toHaveCount(0);
  await second.getByRole('button', { name: 'Stop' }).click();
  await expect(lastReply(second).getByTestId('reply-stats')).toContainText('stopped by you');
  await Promise.all([first.close(), second.close()]);
});
