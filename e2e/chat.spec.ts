import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Locator, type Page } from '@playwright/test';
import type { ChatDetail } from '../src/shared/chatDto';
import type { InferenceState, ModelInfo } from '../src/shared/dto';
import { demoConversation } from './support/demoChat';
import { startHearth, type HearthServer } from './support/hearthServer';
import { MODELS, populateE2eModels } from './support/models';
import { RpcClient } from './support/rpcClient';
import { startWithParametersOpen } from './support/layout';

// The chat workspace against the real `hearth serve` and llama.cpp: conversations owned by core.
let server: HearthServer;
let rpc: RpcClient;
let root: string;

test.beforeAll(async () => {
  // Given folders outlive a server, so the restart test can start a second one over them.
  root = await mkdtemp(join(tmpdir(), 'hearth-chat-e2e-'));
  server = await startHearth({ dataDir: join(root, 'data'), modelsDir: join(root, 'models'), populate: populateE2eModels });
  rpc = await RpcClient.connect(server.origin, server.token);
});
test.beforeEach(async ({ page }) => {
  // Parameters start closed on a first run; these tests use them throughout.
  await startWithParametersOpen(page);
  const state = await rpc.call<InferenceState>('inference.getState');
  if (state.loaded?.modelId !== MODELS.small.id || state.loaded.settings.contextSize !== 1024) await rpc.call('inference.loadModel', { modelId: MODELS.small.id, contextSize: 1024, force: true });
});
test.afterAll(async () => {
  rpc.close();
  expect(await server.stop()).toBe(0);
  await rm(root, { recursive: true, force: true });
});

const messageBox = (page: Page) => page.getByRole('textbox', { name: 'Message', exact: true });
const replies = (page: Page) => page.getByRole('article', { name: 'assistant message' });
const userMessages = (page: Page) => page.getByRole('article', { name: 'user message' });
const chatList = (page: Page) => page.getByRole('complementary', { name: 'Chats' });
const stats = (reply: Locator) => reply.getByTestId('reply-stats');

/** A new, empty chat; `maxTokens` makes its replies short (they end with "length limit"). */
async function newChat(page: Page, maxTokens?: number) {
  await page.goto(server.url);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chat' }).click();
  await expect(messageBox(page)).toBeVisible();
  if (maxTokens) await page.getByLabel('Max tokens').fill(String(maxTokens));
}

async function send(page: Page, text: string) {
  await messageBox(page).fill(text);
  await messageBox(page).press('Enter');
}

async function sendAndWait(page: Page, text: string) {
  const before = await replies(page).count();
  await send(page, text);
  await expect(replies(page)).toHaveCount(before + 1);
  await expect(stats(replies(page).last())).toBeVisible({ timeout: 60_000 });
}

const openChatId = (page: Page) => decodeURIComponent(new URL(page.url()).hash.replace('#/chat/', ''));

async function openModels(page: Page) {
  await page.goto(server.url);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Models' }).click();
  await expect(page.getByRole('heading', { name: 'My Models' })).toBeVisible();
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
  // Loading tiny kept the other models resident (several at once); unloading it unloads it alone.
  await expect(page.getByRole('status', { name: 'Status bar' })).not.toContainText(MODELS.tiny.name);
  const resident = (await rpc.call<InferenceState>('inference.getState')).models.map((m) => m.modelId);
  expect(resident).not.toContain(MODELS.tiny.id);
  await rpc.call('inference.unloadModel', {});
  await expect(page.getByRole('status', { name: 'Status bar' })).toContainText('no model loaded');
});

test('the engine process dying mid-reply keeps the partial reply with the reason, and the next load and chat work', async ({ page }) => {
  await newChat(page);
  const { engine } = await rpc.call<InferenceState>('inference.getState');
  expect(engine.pid).toBeGreaterThan(0);
  await send(page, 'Keep talking');
  const reply = replies(page).last();
  await expect.poll(async () => (await reply.textContent())?.length ?? 0).toBeGreaterThan(40);
  process.kill(engine.pid!, 'SIGKILL');
  await expect(reply.getByRole('alert')).toContainText(/^error: .*stopped unexpectedly/);
  await expect(page.getByText(/crashed/).first()).toBeVisible();

  // Load again from the model picker, without leaving the chat.
  await page.getByRole('button', { name: /choose model/ }).click();
  await page.getByRole('dialog', { name: 'Models' }).getByRole('button', { name: `Load ${MODELS.small.name}` }).click();
  await expect(page.getByTestId('model-bar-status')).toHaveText(/Loaded/, { timeout: 60_000 });
  const { engine: fresh } = await rpc.call<InferenceState>('inference.getState');
  expect(fresh.pid).not.toBe(engine.pid);
  await page.getByLabel('Max tokens').fill('12');
  await sendAndWait(page, 'Are you back?');
  await expect(replies(page)).toHaveCount(2);
});

test('a reply streams into a new chat, ends with stats in words, and the chat is listed by its first message', async ({ page }) => {
  // Long enough (a few seconds here) that a streamed reply shows many intermediate texts.
  await newChat(page, 400);
  await page.evaluate(() => {
    const seen = new Set<string>();
    (window as unknown as { __seen: Set<string> }).__seen = seen;
    new MutationObserver(() => {
      const busy = document.querySelector('article[aria-busy="true"]');
      if (busy) seen.add(busy.textContent ?? '');
    }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  });
  await send(page, 'Tell me a story');
  const reply = replies(page).last();
  await expect(reply).toHaveAttribute('aria-busy', 'true');
  await expect(stats(reply)).toBeVisible({ timeout: 60_000 });
  await expect(reply).toHaveAttribute('aria-busy', 'false');
  // Streamed, not shown at once: the busy reply was rendered with several different texts.
  expect(await page.evaluate(() => (window as unknown as { __seen: Set<string> }).__seen.size)).toBeGreaterThan(3);
  await expect(stats(reply)).toHaveText(/^\d+ tokens? · [\d.]+ tok\/s · \d+ ms · (finished|length limit)$/);
  await expect(stats(reply).getByTitle(/^Time to first token: \d+ ms/)).toBeVisible();
  await expect(userMessages(page).last()).toContainText('Tell me a story');
  await expect(chatList(page).getByRole('link', { name: 'Tell me a story' })).toBeVisible();
  await expect(page.getByTestId('context-usage')).toHaveText(/^Context used: \d+ \/ 1024 tokens$/);
  // A reload keeps the chat open and shows what the server has loaded.
  await page.reload();
  await expect(userMessages(page).last()).toContainText('Tell me a story');
  await expect(page.getByRole('status', { name: 'Status bar' })).toContainText(MODELS.small.name);
  await expect(page.getByRole('main')).toContainText('1024 ctx');
});

test('Stop (the button, then Esc) ends a reply mid-stream and keeps what was written', async ({ page }) => {
  await newChat(page);
  for (const how of ['button', 'Escape'] as const) {
    await send(page, 'Write a very long answer');
    const reply = replies(page).last();
    await expect.poll(async () => (await reply.textContent())?.length ?? 0).toBeGreaterThan(40);
    if (how === 'button') await page.getByRole('button', { name: 'Stop' }).click();
    else await page.keyboard.press('Escape');
    await expect(stats(reply)).toContainText('stopped by you');
    await expect(page.getByRole('button', { name: 'Send' })).toBeVisible();
  }
  expect((await rpc.call<InferenceState>('inference.getState')).activeRequests).toEqual([]);
});

test('regenerate keeps both versions and the switcher moves between them', async ({ page }) => {
  await newChat(page, 12);
  await sendAndWait(page, 'Name a colour');
  const reply = replies(page).last();
  const first = await reply.locator('.markdown').innerText();
  await reply.getByRole('button', { name: 'Regenerate reply' }).click();
  await expect(reply.getByLabel('Version 2 of 2')).toBeVisible();
  await expect(stats(reply)).toBeVisible({ timeout: 60_000 });
  await reply.getByRole('button', { name: 'Previous version' }).click();
  await expect(reply.getByLabel('Version 1 of 2')).toBeVisible();
  await expect(reply.locator('.markdown')).toHaveText(first);
  await reply.getByRole('button', { name: 'Next version' }).click();
  await expect(reply.getByLabel('Version 2 of 2')).toBeVisible();
});

test('editing a user message branches; the old branch stays reachable', async ({ page }) => {
  await newChat(page, 12);
  await sendAndWait(page, 'first question');
  const user = userMessages(page).last();
  await user.getByRole('button', { name: 'Edit message' }).click();
  const editor = page.getByRole('textbox', { name: 'Edit message' });
  await editor.fill('second question');
  await editor.press('Enter');
  await expect(user.getByLabel('Version 2 of 2')).toBeVisible();
  await expect(user).toContainText('second question');
  await expect(stats(replies(page).last())).toBeVisible({ timeout: 60_000 });
  await user.getByRole('button', { name: 'Previous version' }).click();
  await expect(user).toContainText('first question');
  await expect(user.getByLabel('Version 1 of 2')).toBeVisible();
  await expect(replies(page)).toHaveCount(1);
  await expect(stats(replies(page).last())).toBeVisible();
});

test('the second turn reads only the new tokens: the stats show the reused prompt', async ({ page }) => {
  await newChat(page, 12);
  await sendAndWait(page, 'Hello there');
  await sendAndWait(page, 'And a second question');
  const detail = await rpc.call<ChatDetail>('chats.get', { chatId: openChatId(page) });
  const turns = detail.activePath.map((id) => detail.messages.find((m) => m.id === id)!).filter((m) => m.reply?.stats);
  expect(turns).toHaveLength(2);
  expect(turns[1]!.reply!.stats!.cachedPromptTokens).toBeGreaterThan(0);
  const title = await stats(replies(page).last()).getAttribute('title');
  const reused = Number(/(\d+) reused from the previous turn/.exec(title ?? '')?.[1]);
  expect(reused).toBe(turns[1]!.reply!.stats!.cachedPromptTokens);
  test.info().annotations.push({ type: 'ttft', description: `turn 1 ${turns[0]!.reply!.stats!.timeToFirstTokenMs} ms, turn 2 ${turns[1]!.reply!.stats!.timeToFirstTokenMs} ms (${reused} tokens reused)` });
});

test('delete shows Undo, which brings the chat back', async ({ page }) => {
  await newChat(page, 8);
  await sendAndWait(page, 'A chat to delete');
  const link = chatList(page).getByRole('link', { name: 'A chat to delete' });
  await expect(link).toBeVisible();
  await chatList(page).getByRole('button', { name: 'Delete chat A chat to delete' }).click();
  await expect(link).toHaveCount(0);
  const toast = page.getByRole('status', { name: 'Chat deleted' });
  await toast.getByRole('button', { name: 'Undo' }).click();
  await expect(link).toBeVisible();
  await expect(userMessages(page).last()).toContainText('A chat to delete');
});

test('export as Markdown holds the conversation', async ({ page }) => {
  await newChat(page, 12);
  await sendAndWait(page, 'Export me please');
  const detail = await rpc.call<ChatDetail>('chats.get', { chatId: openChatId(page) });
  const replyText = detail.messages.find((m) => m.role === 'assistant')!.content;
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export chat' }).click();
  await page.getByRole('menuitem', { name: 'Export as Markdown' }).click();
  const text = await readFile((await (await download).path())!, 'utf8');
  expect(text).toContain('Export me please');
  expect(text).toContain(replyText.trim().slice(0, 20));
});

test('presets fill the fields, wrong values say why, and the parameters are kept with the chat', async ({ page }) => {
  await newChat(page);
  const temperature = page.getByLabel('Temperature');
  await page.getByRole('button', { name: 'Precise' }).click();
  await expect(temperature).toHaveValue('0.2');
  await page.getByRole('button', { name: 'JSON extraction' }).click();
  await expect(temperature).toHaveValue('0');
  await expect(page.getByLabel('JSON schema')).toHaveValue(/"protein"/);
  await expect(page.getByLabel('System prompt')).toHaveValue(/nutrition/);
  await page.getByRole('button', { name: 'Balanced' }).click();
  await expect(page.getByLabel('JSON schema')).toHaveValue('');

  await temperature.fill('abc');
  await expect(page.getByText('Temperature must be a number.')).toBeVisible();
  await temperature.fill('9');
  await expect(page.getByText('Temperature must be between 0 and 2.')).toBeVisible();
  await temperature.fill('0.5');
  await expect(page.getByText(/^Temperature must/)).toHaveCount(0);
  await page.getByLabel('Max tokens').fill('8');
  await sendAndWait(page, 'Keep my settings');
  await page.reload();
  await expect(page.getByLabel('Temperature')).toHaveValue('0.5');
  await page.getByLabel('Temperature').fill('0.9');
  await expect.poll(async () => (await rpc.call<ChatDetail>('chats.get', { chatId: openChatId(page) })).overrides.params?.temperature).toBe(0.9);

  await page.getByLabel('Preset name').fill('My preset');
  await page.getByRole('button', { name: 'Save preset' }).click();
  await page.getByRole('button', { name: 'Creative' }).click();
  await expect(page.getByLabel('Temperature')).toHaveValue('1.1');
  await page.getByRole('button', { name: 'My preset', exact: true }).click();
  await expect(page.getByLabel('Temperature')).toHaveValue('0.9');
  await page.getByRole('button', { name: 'Delete preset My preset' }).click();
  await expect(page.getByRole('button', { name: 'My preset', exact: true })).toHaveCount(0);
});

test('a reply under the JSON extraction preset parses as JSON of the nutrition schema', async ({ page }) => {
  await newChat(page);
  await page.getByRole('button', { name: 'JSON extraction' }).click();
  await expect(page.getByLabel('JSON schema')).toHaveValue(/"fiber"/);
  await sendAndWait(page, 'Oats');
  // The schema went to core with the chat and from there to the engine's grammar.
  const detail = await rpc.call<ChatDetail>('chats.get', { chatId: openChatId(page) });
  expect(detail.overrides.responseFormat).toMatchObject({ type: 'json_schema' });
  const reply = detail.messages.find((m) => m.id === detail.activePath.at(-1))!;
  expect(reply.reply!.json).toEqual({ valid: true });
  const parsed = JSON.parse(reply.content) as Record<string, unknown>;
  for (const key of ['protein', 'carbohydrates', 'fats', 'calories', 'sugar', 'fiber']) expect(typeof parsed[key]).toBe('number');
  await expect(replies(page).last().getByRole('figure', { name: 'JSON reply' })).toContainText('Valid JSON');
  // Reopened, the schema field shows the chat's own schema (kept by core, not by this browser).
  await page.evaluate(() => window.localStorage.clear());
  await page.reload();
  await expect(page.getByLabel('JSON schema')).toHaveValue(/"protein"/);
});

test('a reply that left earlier messages out says so', async ({ page }) => {
  const conversation = demoConversation(MODELS.small.id, { id: 'dropped-chat', title: 'Left out', turns: 3 });
  // The reply shown last (the chat also holds an earlier version of it).
  conversation.messages.find((m) => m.id === 'a2')!.reply!.droppedMessages = 3;
  const { id } = await rpc.call<{ id: string }>('chats.import', { text: JSON.stringify(conversation) });
  await page.goto(server.url);
  await expect(page.getByRole('status', { name: 'Status bar' })).toContainText('engine');
  await page.evaluate((chatId) => (window.location.hash = `#/chat/${chatId}`), id);
  await expect(replies(page).last().getByRole('note')).toHaveText('3 earlier messages were left out to fit the context');
  await expect(replies(page).first().getByRole('note')).toHaveCount(0);
});

test('a 2,000-message chat opens at once, with only the visible messages in the page', async ({ page }) => {
  const conversation = demoConversation(MODELS.small.id, { id: 'long-chat', title: 'A very long chat', turns: 1000 });
  const { id } = await rpc.call<{ id: string }>('chats.import', { text: JSON.stringify(conversation) });
  await page.goto(server.url);
  await expect(page.getByRole('status', { name: 'Status bar' })).toContainText('engine');
  const started = Date.now();
  await page.evaluate((chatId) => (window.location.hash = `#/chat/${chatId}`), id);
  await expect(userMessages(page).last()).toContainText('How do GPU offload');
  const openedMs = Date.now() - started;
  test.info().annotations.push({ type: 'open-2000', description: `${openedMs} ms` });
  expect(openedMs).toBeLessThan(3_000);
  expect(await page.getByRole('article').count()).toBeLessThan(40);
  // Scrolling up leaves the bottom; "Jump to latest" comes back to it.
  // Rows are measured as they render; on a busy machine a late measurement may land after the
  // scroll, so the scroll is repeated until the view has left the bottom (bounded).
  await expect(async () => {
    await page.getByRole('region', { name: 'Conversation' }).evaluate((element) => element.scrollBy(0, -3000));
    await expect(page.getByRole('button', { name: 'Jump to latest' })).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 20_000 });
  await page.getByRole('button', { name: 'Jump to latest' }).click();
  await expect(page.getByRole('button', { name: 'Jump to latest' })).toHaveCount(0);
});

test('the shell: unknown routes go home, shortcuts work, 700 px stays usable', async ({ page }) => {
  await rpc.call('chats.create', { title: 'Searchable trip plan' });
  await page.goto(server.url);
  await expect(messageBox(page)).toBeVisible();
  await page.evaluate(() => (window.location.hash = '#/no-such-view'));
  await expect(page).toHaveURL(/#\/chat$/);
  await page.keyboard.press('Control+k');
  await expect(page.getByRole('searchbox', { name: 'Search chats' })).toBeFocused();
  await page.getByRole('searchbox', { name: 'Search chats' }).fill('trip plan');
  await chatList(page).getByRole('link', { name: /Searchable trip plan/ }).click();
  await expect(page).toHaveURL(/#\/chat\/.+/);
  await page.keyboard.press('Control+n');
  await expect(page).toHaveURL(/#\/chat$/);
  await expect(messageBox(page)).toBeFocused();

  // Narrow: the chat list (opened by Ctrl+K) and the parameters cover the conversation until closed.
  await page.setViewportSize({ width: 700, height: 700 });
  await page.getByRole('button', { name: 'Close chat list' }).click();
  await expect(chatList(page)).toBeHidden();
  await page.getByRole('button', { name: 'Close parameters' }).click();
  await expect(page.getByRole('complementary', { name: 'Parameters' })).toBeHidden();
  await expect(messageBox(page)).toBeInViewport();
  await expect(page.getByRole('button', { name: 'Send' })).toBeInViewport();
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Hardware' })).toBeInViewport();
  await page.getByRole('button', { name: 'Chat list' }).click();
  await expect(chatList(page)).toBeInViewport();
});

test('after the server restarts, the chats and their messages are still there', async ({ page }) => {
  await newChat(page, 12);
  await sendAndWait(page, 'Remember this conversation');
  const chatId = openChatId(page);
  const before = await rpc.call<ChatDetail>('chats.get', { chatId });
  rpc.close();
  expect(await server.stop()).toBe(0);
  server = await startHearth({ dataDir: join(root, 'data'), modelsDir: join(root, 'models') });
  rpc = await RpcClient.connect(server.origin, server.token);

  await page.goto(server.url);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chat' }).click();
  await chatList(page).getByRole('link', { name: 'Remember this conversation' }).click();
  await expect(userMessages(page).last()).toContainText('Remember this conversation');
  await expect(stats(replies(page).last())).toBeVisible();
  const after = await rpc.call<ChatDetail>('chats.get', { chatId });
  expect(after.messages).toEqual(before.messages);
});
