import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { expect, test, type Locator, type Page } from '@playwright/test';
import type { InferenceState } from '../src/shared/dto';
import type { RemoteRepoFit } from '../src/shared/hubDto';
import { GATED_REPO, startHubFixtureServer, TINY_REPO, type HubFixtureServer } from '../src/main/testing/hub/hubFixtureServer';
import { startHearth, type HearthServer } from './support/hearthServer';
import { RpcClient } from './support/rpcClient';

// Discover, the repo page and the Downloads panel against the fixture Hub (HF_ENDPOINT) and its CDN,
// with the real built app and real llama.cpp. No token anywhere: HF_HOME points at an empty folder.
let hub: HubFixtureServer;
let server: HearthServer;
let rpc: RpcClient;
let noHfHome: string;

test.beforeAll(async () => {
  noHfHome = await mkdtemp(join(tmpdir(), 'hearth-no-hf-'));
  hub = await startHubFixtureServer();
  server = await startHearth({ env: hubEnv(hub.endpoint) });
  rpc = await RpcClient.connect(server.origin, server.token);
});
test.afterAll(async () => {
  rpc?.close();
  expect(await server?.stop()).toBe(0);
  await hub?.close();
  await rm(noHfHome, { recursive: true, force: true });
});
test.beforeEach(() => {
  test.setTimeout(40_000);
  hub.slowCdn(undefined);
});

function hubEnv(endpoint: string): Record<string, string> {
  return { HF_ENDPOINT: endpoint, HF_TOKEN: '', HF_HOME: noHfHome };
}

async function openDiscover(page: Page, url = server.url) {
  await page.goto(url);
  await page.getByRole('navigation').getByRole('link', { name: 'Discover' }).click();
  await expect(page.getByRole('heading', { name: 'Discover', level: 1 })).toBeVisible();
}

/** The quant table of the open repo page. */
function quantTable(page: Page, repo: string): Locator {
  return page.getByRole('table', { name: `Models of ${repo}` });
}

/** Every file below `dir`, relative, with `/`. */
async function filesBelow(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(dir.length + 1).replaceAll('\\', '/'));
}

/** CDN requests that continued a file from a byte offset above 0. */
function rangedCdnRequests(fixture: HubFixtureServer, after = 0): string[] {
  return fixture.requests
    .slice(after)
    .filter((r) => r.server === 'cdn' && /^bytes=[1-9]\d*-/.test(r.headers.range ?? ''))
    .map((r) => r.headers.range!);
}

test('search, open a repo, Download & load through a dropped connection, then chat with it', async ({ page }) => {
  const fits = await rpc.call<RemoteRepoFit>('hub.estimateFits', { repo: TINY_REPO });
  const recommended = fits.files.find((f) => f.recommended)!;
  expect(recommended.quant).toBeTruthy();
  const quant = recommended.quant!;

  await openDiscover(page);
  await page.getByRole('searchbox', { name: 'Search models' }).fill('tiny');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  const results = page.getByRole('list', { name: 'Search results' });
  await expect(results.getByRole('link', { name: TINY_REPO, exact: true })).toBeVisible();
  await expect(results.getByRole('listitem').filter({ hasText: TINY_REPO })).toContainText('Permissive');
  await results.getByRole('link', { name: TINY_REPO, exact: true }).click();

  // The quant table first, then the fit labels and the Recommended tag from the remote headers.
  await expect(page.getByRole('heading', { name: TINY_REPO, level: 1 })).toBeVisible();
  const table = quantTable(page, TINY_REPO);
  await expect(table.getByRole('row')).toHaveCount(1 + fits.files.length);
  await expect(table.getByTestId('fit-badge')).toHaveCount(fits.files.length);
  await expect(table.getByTestId('fit-badge').first()).toHaveText('Fits in RAM (CPU)');
  // By file name: the row keeps it whatever its buttons become.
  const row = table.getByRole('row').filter({ hasText: recommended.name });
  await expect(row.getByText('Recommended', { exact: true })).toBeVisible();

  // A slow link that drops mid-file: the download shows progress, then resumes with a Range request.
  hub.slowCdn(80_000);
  hub.dropCdnAfter(Math.floor(recommended.sizeBytes / 3));
  const before = hub.requests.length;
  await row.getByRole('button', { name: `Download & load ${quant}`, exact: true }).click();
  // The panel opens on demand only (from the status bar's indicator), never by itself.
  const panel = page.getByRole('complementary', { name: 'Downloads' });
  await expect(row.getByRole('progressbar')).toBeVisible();
  await expect(panel).toHaveCount(0);
  await page.getByTestId('status-downloads').click();
  await expect(panel).toBeVisible();
  const item = panel.getByRole('listitem', { name: recommended.name });
  const bar = item.getByRole('progressbar');
  await expect.poll(async () => Number(await bar.getAttribute('aria-valuenow')), { timeout: 10_000 }).toBeGreaterThan(0);
  await expect(item).toContainText(/KB\/s/);
  await expect(page.getByTestId('status-downloads')).toContainText(/1 downloading · \d+ %/);
  await expect.poll(() => rangedCdnRequests(hub, before).length, { timeout: 15_000 }).toBeGreaterThan(0);

  // Verified, in the library, loaded by core: the panel, the row and the status bar say so.
  await expect(item).toContainText('Downloaded', { timeout: 15_000 });
  await expect(item.getByText('● Loaded')).toBeVisible({ timeout: 15_000 });
  await expect(row.getByText('● Loaded')).toBeVisible();
  const state = await rpc.call<InferenceState>('inference.getState');
  expect(state.loaded?.modelId).toBe(`${TINY_REPO}/${recommended.name}`);
  const onDisk = await readFile(join(server.modelsDir, TINY_REPO, recommended.name));
  expect(createHash('sha256').update(onDisk).digest('hex')).toBe(hub.file(TINY_REPO, recommended.name)!.sha256);

  await page.getByRole('navigation').getByRole('link', { name: 'Chat' }).click();
  await page.getByLabel('Message').fill('Hello there');
  await page.getByRole('button', { name: 'Send' }).click();
  const reply = page.getByRole('article', { name: 'assistant message' }).last();
  await expect.poll(async () => (await reply.textContent())?.trim().length ?? 0, { timeout: 15_000 }).toBeGreaterThan(0);
  await expect(reply.getByTestId('reply-stats')).toBeVisible({ timeout: 15_000 });
});

test('a file corrupted in transit fails its hash check: the panel says so and nothing is left', async ({ page }) => {
  hub.corruptFile(TINY_REPO, 'hearth-tiny-Q8_0.gguf');
  try {
    // A pasted reference with a quant opens the repo with that model highlighted.
    await openDiscover(page);
    await page.getByRole('searchbox', { name: 'Search models' }).fill(`${TINY_REPO}:Q8_0`);
    await page.keyboard.press('Enter');
    const table = quantTable(page, TINY_REPO);
    const row = table.locator('tr[aria-current="true"]');
    await expect(row).toContainText('hearth-tiny-Q8_0.gguf');
    await expect(row).toContainText('Selected');

    await row.getByRole('button', { name: 'Download Q8_0', exact: true }).click();
    await page.getByTestId('status-downloads').click();
    const item = page.getByRole('complementary', { name: 'Downloads' }).getByRole('listitem', { name: 'hearth-tiny-Q8_0.gguf' });
    await expect(item.getByRole('alert')).toContainText('sha256 mismatch');
    await expect(row.getByRole('alert')).toContainText('sha256 mismatch');
    await expect(page.getByTestId('status-downloads')).toContainText('1 failed');
    expect((await filesBelow(server.modelsDir)).filter((f) => f.includes('Q8_0'))).toEqual([]);

    await item.getByRole('button', { name: 'Dismiss hearth-tiny-Q8_0.gguf' }).click();
    await expect(item).toHaveCount(0);
    await expect(row.getByRole('button', { name: 'Download Q8_0', exact: true })).toBeVisible();
  } finally {
    hub.corruptFile(TINY_REPO, 'hearth-tiny-Q8_0.gguf', false);
  }
});

test('a gated repo without a token says to accept its terms and set HF_TOKEN', async ({ page }) => {
  await openDiscover(page);
  const result = page.getByRole('list', { name: 'Search results' }).getByRole('listitem').filter({ hasText: GATED_REPO });
  await expect(result.getByText('Gated', { exact: true })).toBeVisible();
  await expect(result).toContainText('Custom licence: read its terms before commercial use.');
  await result.getByRole('link', { name: GATED_REPO }).click();

  await expect(page.getByRole('note').filter({ hasText: 'This repo is gated' })).toContainText('accept the terms on huggingface.co and set HF_TOKEN');
  const row = quantTable(page, GATED_REPO).getByRole('row').filter({ hasText: 'Q4_0' });
  await row.getByRole('button', { name: 'Download Q4_0', exact: true }).click();
  // Its Llama licence is confirmed first (see licence.spec.ts), then the Hub's gate answers.
  await row.getByRole('button', { name: 'I understand' }).click();
  await expect(row.getByRole('alert')).toContainText(/gated: accept its terms on huggingface\.co and set HF_TOKEN/);
  expect(await filesBelow(join(server.modelsDir, GATED_REPO))).toEqual([]);
});

test('offline: search says the Hub cannot be reached and what to check', async ({ browser }) => {
  const port = await closedPort();
  const offline = await startHearth({ env: hubEnv(`http://127.0.0.1:${port}`) });
  const page = await browser.newPage();
  try {
    await openDiscover(page, offline.url);
    const alert = page.getByRole('alert');
    await expect(alert).toContainText(`Cannot reach 127.0.0.1:${port}`);
    await expect(alert).toContainText('HF_ENDPOINT');
    await expect(alert.getByRole('button', { name: 'Try again' })).toBeVisible();
  } finally {
    await page.close();
    await offline.stop();
  }
});

test('a download interrupted by a restart continues in the next process and completes', async ({ browser }) => {
  const root = await mkdtemp(join(tmpdir(), 'hearth-restart-'));
  const dirs = { dataDir: join(root, 'data'), modelsDir: join(root, 'models') };
  const file = 'hearth-tiny-F16.gguf';
  const expected = hub.file(TINY_REPO, file)!;
  let first: HearthServer | undefined = await startHearth({ ...dirs, env: hubEnv(hub.endpoint) });
  let second: HearthServer | undefined;
  const page = await browser.newPage();
  try {
    hub.slowCdn(20_000);
    await page.goto(first.url);
    await page.evaluate((hash) => (window.location.hash = hash), `#/discover/${TINY_REPO}`);
    await quantTable(page, TINY_REPO).getByRole('button', { name: 'Download F16', exact: true }).click();
    await page.getByTestId('status-downloads').click();
    const bar = page.getByRole('complementary', { name: 'Downloads' }).getByRole('listitem', { name: file }).getByRole('progressbar');
    await expect.poll(async () => Number(await bar.getAttribute('aria-valuenow')), { timeout: 10_000 }).toBeGreaterThanOrEqual(10);
    expect(await first.stop()).toBe(0);
    first = undefined;

    const before = hub.requests.length;
    hub.slowCdn(undefined);
    second = await startHearth({ ...dirs, env: hubEnv(hub.endpoint) });
    await page.goto(second.url);
    await page.getByRole('button', { name: /^Downloads/ }).click();
    const item = page.getByRole('complementary', { name: 'Downloads' }).getByRole('listitem', { name: file });
    await expect(item).toContainText('Downloaded', { timeout: 15_000 });
    expect(rangedCdnRequests(hub, before).length).toBeGreaterThan(0);
    const onDisk = await readFile(join(dirs.modelsDir, TINY_REPO, file));
    expect(createHash('sha256').update(onDisk).digest('hex')).toBe(expected.sha256);
    expect((await filesBelow(dirs.modelsDir)).filter((f) => f.endsWith('.part'))).toEqual([]);
  } finally {
    hub.slowCdn(undefined);
    await page.close();
    await first?.stop();
    await second?.stop();
    await rm(root, { recursive: true, force: true });
  }
});

/** A 127.0.0.1 port nothing listens on (bound once, then closed). */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
