import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import type { ChatDetail, Conversation } from '../src/shared/chatDto';
import { startHearth, type HearthServer } from './support/hearthServer';
import { expectButtonsInside, expectNoHorizontalOverflow } from './support/layout';
import { MODELS, populateE2eModels } from './support/models';
import { RpcClient } from './support/rpcClient';

// MCP tools in a chat, in the real built app with a real engine: the reference "everything"
// server (stdio, from npm) added in Settings, one of its tools enabled in a chat with Tool use set
// to Required (the generated model writes gibberish, so only a required call is sure to happen),
// the confirmation card, the result folded under the reply, and the approvals in Settings.
// `get-tiny-image` takes no arguments, so whatever the model writes, its call is `{}` and completes.
const require = createRequire(import.meta.url);
const everything = join(dirname(require.resolve('@modelcontextprotocol/server-everything/package.json')), 'dist', 'index.js');
const TOOL = 'get-tiny-image';
const RESULT_END = 'The image above is the MCP logo.';

test.describe.configure({ mode: 'serial' });

let server: HearthServer;
let rpc: RpcClient;
let chatId: string;

test.beforeAll(async () => {
  server = await startHearth({ populate: populateE2eModels });
  rpc = await RpcClient.connect(server.origin, server.token);
  await rpc.call('inference.loadModel', { modelId: MODELS.small.id, contextSize: 2048, force: true });
});
test.afterAll(async () => {
  rpc.close();
  expect(await server.stop()).toBe(0);
});

const messageBox = (page: Page) => page.getByRole('textbox', { name: 'Message', exact: true });
const replies = (page: Page) => page.getByRole('article', { name: 'assistant message' });
const cards = (page: Page) => page.getByRole('group', { name: `Tool call: ${TOOL} on everything` });
const folds = (page: Page) => replies(page).last().getByRole('group', { name: `Tool call ${TOOL} · everything` });

const storedChat = async (): Promise<Conversation> => JSON.parse(await readFile(join(server.dataDir, 'chats', `${chatId}.json`), 'utf8')) as Conversation;

/**
 * Sends a message and answers every card of the reply with `decision` until the reply ends (the
 * model may call the tool more than once in a round). Returns how many cards were answered.
 */
async function sendAndAnswer(page: Page, text: string, decision: string): Promise<number> {
  // The chat's earlier replies first: counted before the page has drawn them, the new one would be miscounted.
  const detail = await rpc.call<ChatDetail>('chats.get', { chatId });
  const before = detail.activePath.filter((id) => detail.messages.find((message) => message.id === id)?.role === 'assistant').length;
  await expect(replies(page)).toHaveCount(before, { timeout: 30_000 });
  await messageBox(page).fill(text);
  await messageBox(page).press('Enter');
  await expect(replies(page)).toHaveCount(before + 1, { timeout: 30_000 });
  const stats = replies(page).last().getByTestId('reply-stats');
  let answered = 0;
  for (;;) {
    await expect(cards(page).first().or(stats)).toBeVisible({ timeout: 120_000 });
    if (await stats.isVisible()) return answered;
    const count = await cards(page).count();
    const card = cards(page).first();
    if (answered === 0) {
      // What the card shows: the tool, its server, the arguments as formatted JSON.
      await expect(card.getByText(`The model wants to call ${TOOL} on MCP server everything`)).toBeVisible();
      await expect(card.getByLabel('Arguments')).toHaveText('{}');
    }
    await card.getByRole('button', { name: decision }).click();
    answered++;
    await expect(cards(page)).toHaveCount(count - 1, { timeout: 60_000 });
  }
}

test('a chat calls an MCP tool: the card, Allow once, the result folded under the reply, still there after a reload', async ({ page }) => {
  test.setTimeout(300_000);
  await page.setViewportSize({ width: 800, height: 600 });
  await page.goto(server.url);

  // The server, added in Settings.
  await page.getByRole('navigation').getByRole('link', { name: 'Settings' }).click();
  const section = page.getByRole('region', { name: 'MCP servers' });
  await section.getByRole('button', { name: 'Add server' }).click();
  const form = page.getByRole('form', { name: 'Add MCP server' });
  await form.getByLabel('Name', { exact: true }).fill('everything');
  await form.getByLabel('Command', { exact: true }).fill(process.execPath);
  await form.getByLabel('Arguments (one per line)').fill(`${everything}\nstdio`);
  await form.getByRole('button', { name: 'Save server' }).click();
  await expect(section.getByRole('status', { name: 'everything status' })).toHaveText(/^Ready · \d+ tools$/, { timeout: 60_000 });

  // A chat on the loaded model, with short replies.
  chatId = (await rpc.call<ChatDetail>('chats.create', { params: { maxTokens: 48, temperature: 0 } })).id;
  await page.goto(`${server.url}#/chat/${encodeURIComponent(chatId)}`);
  await expect(messageBox(page)).toBeVisible();

  // Only get-tiny-image of that server, and a call required.
  await page.getByRole('button', { name: 'Tools', exact: true }).click();
  const picker = page.getByRole('dialog', { name: 'Tools for this chat' });
  // The boxes follow the chat as saved (a click saves, then the box shows it): click, then expect.
  await picker.getByRole('checkbox', { name: 'everything' }).click();
  await expect(picker.getByRole('checkbox', { name: 'everything' })).toBeChecked();
  await picker.getByRole('button', { name: 'Choose tools of everything' }).click();
  const toolList = picker.getByRole('list', { name: 'Tools of everything' });
  await expect(toolList.getByRole('checkbox', { name: TOOL })).toBeChecked({ timeout: 60_000 });
  for (const item of await toolList.getByRole('listitem').all()) {
    if ((await item.textContent())?.trim() === TOOL) continue;
    const box = item.getByRole('checkbox');
    await box.click();
    await expect(box).not.toBeChecked();
  }
  await expect(picker.getByRole('button', { name: 'Choose tools of everything' })).toHaveText('1 tool');
  await picker.getByRole('radio', { name: 'Required' }).click();
  await expect(picker.getByRole('radio', { name: 'Required' })).toBeChecked();
  await expect(picker.getByText('Each reply calls a tool before it answers.')).toBeVisible();
  await expectNoHorizontalOverflow(page, 'the Tools picker at 800×600');
  await page.keyboard.press('Escape');
  const chosen = await rpc.call<ChatDetail>('chats.get', { chatId });
  expect(chosen.toolSources).toEqual([{ server: 'everything', tools: [TOOL] }]);
  expect(chosen.toolUse).toBe('required');

  const answered = await sendAndAnswer(page, 'Show me the logo', 'Allow once');
  expect(answered).toBeGreaterThanOrEqual(1);

  // Folded under the reply: closed, then open with the arguments and the result's text.
  await expect(folds(page)).toHaveCount(answered);
  const fold = folds(page).first();
  await expect(fold).toContainText('(done)');
  await expect(fold.getByText(RESULT_END)).toBeHidden();
  await fold.getByText(`${TOOL} · everything`).click();
  await expect(fold.getByText(RESULT_END)).toBeVisible();
  await expectNoHorizontalOverflow(page, 'a reply with a tool call at 800×600');
  await expectButtonsInside(page, 'the chat with a tool call at 800×600');

  // Saved in the chat file: the call, the decision, the result.
  const stored = (await storedChat()).messages.at(-1)!;
  expect(stored.toolRounds?.[0]?.calls[0]).toMatchObject({ server: 'everything', tool: TOOL, arguments: '{}', decision: 'once', result: { isError: false } });
  expect(stored.toolRounds![0]!.calls[0]!.result!.content).toContain(RESULT_END);

  // Each text shows once: a round's in its fold, the final one in the reply's body.
  await expectEachRoundTextOnce(page, stored);

  await page.reload();
  await expect(folds(page)).toHaveCount(answered, { timeout: 30_000 });
  await folds(page).first().getByText(`${TOOL} · everything`).click();
  await expect(folds(page).first().getByText(RESULT_END)).toBeVisible();
  await expectEachRoundTextOnce(page, stored);
});

test('Deny: the call is not run, and the fold says so', async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto(`${server.url}#/chat/${encodeURIComponent(chatId)}`);
  await expect(messageBox(page)).toBeVisible();
  const answered = await sendAndAnswer(page, 'Again', 'Deny');
  expect(answered).toBeGreaterThanOrEqual(1);
  await expect(folds(page).first()).toContainText('(denied)');
  const stored = (await storedChat()).messages.at(-1)!;
  expect(stored.toolRounds![0]!.calls[0]).toMatchObject({ decision: 'deny', result: { isError: true, content: expect.stringContaining('The user denied this tool call') } });
});

test('Always allow this tool: the next reply does not ask; Settings lists it, and Revoke forgets it', async ({ page }) => {
  test.setTimeout(300_000);
  await page.setViewportSize({ width: 800, height: 600 });
  await page.goto(`${server.url}#/chat/${encodeURIComponent(chatId)}`);
  await expect(messageBox(page)).toBeVisible();
  expect(await sendAndAnswer(page, 'Once more', 'Always allow this tool')).toBe(1);
  // Asked no more: the later calls of that reply, and the next reply, ran without a card.
  expect(await sendAndAnswer(page, 'And again', 'Allow once')).toBe(0);
  const last = (await storedChat()).messages.at(-1)!;
  expect(last.toolRounds![0]!.calls[0]).toMatchObject({ decision: 'remembered', result: { isError: false } });

  await page.getByRole('navigation').getByRole('link', { name: 'Settings' }).click();
  const approvals = page.getByRole('region', { name: 'Tool approvals' });
  const row = approvals.getByRole('listitem', { name: `${TOOL} on everything` });
  await expect(row).toBeVisible();
  await expectNoHorizontalOverflow(page, 'Settings with a tool approval at 800×600');
  await expectButtonsInside(page, 'Settings with a tool approval at 800×600');
  await row.getByRole('button', { name: `Revoke ${TOOL} on everything` }).click();
  await expect(approvals.getByText('Nothing is always allowed: every tool call asks first.')).toBeVisible();
  await expect(row).toHaveCount(0);
  expect(await rpc.call('chats.listToolApprovals')).toEqual({ servers: [], tools: [] });
});

/** The reply's final text and each round's own text appear once in the reply as shown (none twice). */
async function expectEachRoundTextOnce(page: Page, stored: Conversation['messages'][number]): Promise<void> {
  const shown = (await replies(page).last().textContent()) ?? '';
  for (const text of [...(stored.toolRounds ?? []).map((round) => round.content), stored.content].map((t) => t.trim())) {
    if (text.length >= 4) expect(shown.split(text).length - 1, `"${text}" shown twice`).toBeLessThanOrEqual(1);
  }
}
