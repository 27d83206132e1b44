import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { startHubFixtureServer, TINY_REPO, type HubFixtureServer } from '../src/main/testing/hub/hubFixtureServer';
import { startHearth, type HearthServer } from './support/hearthServer';
import { expectButtonsInside, expectNoHorizontalOverflow, overflowingElements, VIEWPORTS } from './support/layout';
import { demoConversation } from './support/demoChat';
import { MODELS, populateE2eModels } from './support/models';
import { RpcClient } from './support/rpcClient';

// Layout that never squeezes the chat, and every view usable at 800×600 (no sideways scrolling,
// no control off screen, no model name broken mid-word).
let hub: HubFixtureServer;
let server: HearthServer;
let rpc: RpcClient;
let noHfHome: string;

test.beforeAll(async () => {
  noHfHome = await mkdtemp(join(tmpdir(), 'hearth-no-hf-'));
  hub = await startHubFixtureServer();
  server = await startHearth({ populate: populateE2eModels, env: { HF_ENDPOINT: hub.endpoint, HF_TOKEN: '', HF_HOME: noHfHome } });
  rpc = await RpcClient.connect(server.origin, server.token);
  await rpc.call('inference.loadModel', { modelId: MODELS.small.id, contextSize: 1024 });
  // A request in the log, so the Server view's table is there to measure.
  const status = await rpc.call<{ baseUrl?: string }>('server.start', { port: 0 });
  await fetch(`${status.baseUrl}/models`);
});
test.afterAll(async () => {
  await rpc?.call('server.stop').catch(() => undefined);
  rpc?.close();
  expect(await server?.stop()).toBe(0);
  await hub?.close();
  await rm(noHfHome, { recursive: true, force: true });
});
test.beforeEach(() => {
  test.setTimeout(60_000);
});

async function go(page: Page, hash: string, ready: (page: Page) => Promise<void>) {
  await page.evaluate((h) => (window.location.hash = h), hash);
  await ready(page);
}

const VIEWS: { name: string; hash: string; ready: (page: Page) => Promise<void>; buttons: boolean }[] = [
  { name: 'Chat', hash: '#/chat', ready: (p) => expect(p.getByRole('textbox', { name: 'Message', exact: true })).toBeVisible(), buttons: false },
  { name: 'Discover', hash: '#/discover', ready: (p) => expect(p.getByRole('list', { name: 'Search results' })).toBeVisible(), buttons: true },
  {
    name: 'Discover repo',
    hash: `#/discover/${TINY_REPO}`,
    ready: (p) => expect(p.getByRole('table', { name: `Models of ${TINY_REPO}` }).getByTestId('fit-badge').first()).toBeVisible(),
    buttons: true,
  },
  { name: 'My Models', hash: '#/models', ready: (p) => expect(p.getByRole('table', { name: 'Local models' })).toBeVisible(), buttons: true },
  { name: 'Server', hash: '#/server', ready: (p) => expect(p.getByTestId('server-base-url')).toBeVisible(), buttons: true },
  { name: 'Hardware', hash: '#/hardware', ready: (p) => expect(p.getByRole('heading', { level: 1 })).toBeVisible(), buttons: false },
  { name: 'Welcome', hash: '#/welcome', ready: (p) => expect(p.getByRole('heading', { name: 'Welcome to Hearth' })).toBeVisible(), buttons: false },
];

for (const viewport of VIEWPORTS) {
  test(`${viewport.width}×${viewport.height}: no view scrolls sideways or puts a control off screen`, async ({ browser }) => {
    const page = await browser.newPage({ viewport });
    try {
      await page.goto(server.url);
      await expect(page.getByRole('status', { name: 'Status bar' })).toContainText('engine');
      // The checks can fail: a too-wide element is caught.
      await page.evaluate(() => document.querySelector('main')!.insertAdjacentHTML('afterbegin', '<div id="too-wide" style="width:3000px;height:4px"></div>'));
      expect(await overflowingElements(page)).not.toEqual([]);
      await page.evaluate(() => document.getElementById('too-wide')!.remove());
      for (const view of VIEWS) {
        await go(page, view.hash, view.ready);
        await expectNoHorizontalOverflow(page, view.name);
        if (view.buttons || viewport.width === 800) await expectButtonsInside(page, view.name);
      }
      await go(page, '#/server', VIEWS[4]!.ready);
      await expect(page.getByRole('table', { name: 'Request log' })).toBeVisible();
      await expectNoHorizontalOverflow(page, 'Server with a request log');
      // My Models keeps Unload and Chat on screen for the loaded model.
      await go(page, '#/models', VIEWS[3]!.ready);
      await expect(page.getByRole('button', { name: `Unload ${MODELS.small.name}` })).toBeInViewport({ ratio: 1 });
      // The Server view's Copy buttons are on screen.
      await go(page, '#/server', VIEWS[4]!.ready);
      for (const copy of await page.getByRole('button', { name: /^Copy curl example/ }).all()) {
        const box = (await copy.boundingBox())!;
        expect(box.x + box.width).toBeLessThanOrEqual(viewport.width);
      }
      // The model name in the chat's model bar is one line (ellipsis, full name on hover), never broken mid-word.
      await go(page, '#/chat', VIEWS[0]!.ready);
      const name = page.getByTestId('model-bar-name');
      await expect(name).toHaveAttribute('title', MODELS.small.name);
      const lineHeight = await name.evaluate((el) => parseFloat(getComputedStyle(el).lineHeight));
      expect((await name.boundingBox())!.height).toBeLessThan(lineHeight * 1.5);
    } finally {
      await page.close();
    }
  });
}

test('1280×800: with the chat list, Parameters and Downloads all open the conversation keeps at least 480 px', async ({ browser }) => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  try {
    await page.goto(server.url);
    await go(page, '#/chat', VIEWS[0]!.ready);
    // Parameters are closed on a first run; opened, they dock beside the conversation.
    const parameters = page.getByRole('complementary', { name: 'Parameters' });
    await expect(parameters).toBeHidden();
    await page.getByRole('button', { name: 'Parameters' }).click();
    await expect(parameters).toBeVisible();
    await expect(page.getByRole('complementary', { name: 'Chats' })).toBeVisible();
    // Downloads opens on demand from the status bar, over the view rather than beside it.
    await page.getByTestId('status-downloads').click();
    await expect(page.getByRole('complementary', { name: 'Downloads' })).toBeVisible();
    const conversation = (await page.getByRole('region', { name: 'Conversation' }).boundingBox())!;
    expect(conversation.width).toBeGreaterThanOrEqual(480);
    const composer = (await page.getByRole('textbox', { name: 'Message', exact: true }).boundingBox())!;
    expect(composer.width).toBeGreaterThanOrEqual(300);
    await expectNoHorizontalOverflow(page, 'chat with every panel open');
    // The choice is kept: a reload opens Parameters again.
    await page.reload();
    await expect(parameters).toBeVisible();
  } finally {
    await page.close();
  }
});

test('a lighter start: the page is sent compressed, and math and highlighting load only for a message that needs them', async ({ page }) => {
  const scripts: string[] = [];
  page.on('response', (response) => {
    if (response.url().endsWith('.js')) scripts.push(new URL(response.url()).pathname);
  });
  const main = page.waitForResponse((response) => /\/assets\/index-[^/]+\.js$/.test(response.url()));
  await page.goto(server.url);
  expect((await (await main).allHeaders())['content-encoding']).toMatch(/^(br|gzip)$/);
  await go(page, '#/chat', VIEWS[0]!.ready);
  expect(scripts.filter((path) => /katex|highlight/.test(path))).toEqual([]);

  const conversation = demoConversation(MODELS.small.id, { id: 'math-and-code', title: 'Math and code', turns: 1 });
  const { id } = await rpc.call<{ id: string }>('chats.import', { text: JSON.stringify(conversation) });
  await go(page, `#/chat/${id}`, (p) => expect(p.getByRole('article', { name: 'assistant message' }).first()).toBeVisible());
  const reply = page.getByRole('article', { name: 'assistant message' }).first();
  await expect(reply.locator('.katex').first()).toBeVisible();
  await expect(reply.locator('code.hljs').first()).toBeVisible();
  expect(scripts.some((path) => /katex/.test(path))).toBe(true);
  expect(scripts.some((path) => /highlight/.test(path))).toBe(true);
});

test('Discover searches as you type and shows size and fit in the results', async ({ page }) => {
  await page.goto(server.url);
  await go(page, '#/discover', VIEWS[1]!.ready);
  const before = hub.requests.filter((r) => r.url.includes('search=tiny')).length;
  // No Enter, no button: the pause after typing sends the search.
  await page.getByRole('searchbox', { name: 'Search models' }).pressSequentially('tiny', { delay: 30 });
  const result = page.getByRole('list', { name: 'Search results' }).getByRole('listitem').filter({ hasText: TINY_REPO });
  await expect(result).toBeVisible();
  await expect(page.getByRole('list', { name: 'Search results' }).getByRole('listitem').filter({ hasText: 'filler' })).toHaveCount(0);
  // One request for the word, not one per key.
  expect(hub.requests.filter((r) => r.url.includes('search=tiny')).length - before).toBe(1);
  await expect(result.getByTestId('result-size-fit')).toContainText(/≈ [\d.]+ [KMG]B at Q4_K_M/);
  await expect(result.getByTestId('result-size-fit')).toContainText('likely fits in memory');
});

test('the Undo toast of a deleted chat does not cover the message box', async ({ browser }) => {
  for (const viewport of VIEWPORTS) {
    const page = await browser.newPage({ viewport });
    try {
      const { id } = await rpc.call<{ id: string }>('chats.create', { title: `Toast at ${viewport.width}` });
      await page.goto(server.url);
      await go(page, `#/chat/${id}`, VIEWS[0]!.ready);
      const chats = page.getByRole('complementary', { name: 'Chats' });
      if (!(await chats.isVisible())) await page.getByRole('button', { name: 'Chat list' }).click();
      await chats.getByRole('button', { name: `Delete chat Toast at ${viewport.width}` }).click();
      const toast = page.getByRole('status', { name: 'Chat deleted' });
      await expect(toast).toBeVisible();
      const box = page.getByRole('textbox', { name: 'Message', exact: true });
      await expect(box).toBeInViewport();
      const [a, b] = [(await toast.boundingBox())!, (await box.boundingBox())!];
      const overlaps = a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
      expect(overlaps).toBe(false);
    } finally {
      await page.close();
    }
  }
});
