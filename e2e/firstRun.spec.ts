import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import type { InferenceState } from '../src/shared/dto';
import { startHubFixtureServer, type HubFixtureServer } from '../src/main/testing/hub/hubFixtureServer';
import { starterFixtureRepos } from '../src/main/testing/hub/starterFixtureRepos';
import { startHearth } from './support/hearthServer';
import { expectNoHorizontalOverflow, VIEWPORTS } from './support/layout';
import { RpcClient } from './support/rpcClient';

// The first run: an empty library opens on the welcome screen, whose starters come from the real
// data file, resolved against the stand-in Hub (it serves those repos, with tiny models in them).
let hub: HubFixtureServer;
let noHfHome: string;

test.beforeAll(async () => {
  noHfHome = await mkdtemp(join(tmpdir(), 'hearth-no-hf-'));
  hub = await startHubFixtureServer({ extraRepos: await starterFixtureRepos() });
});
test.afterAll(async () => {
  await hub?.close();
  await rm(noHfHome, { recursive: true, force: true });
});

for (const viewport of VIEWPORTS) {
  test(`${viewport.width}×${viewport.height}: empty library → Get started → a streamed reply, in one click and typing`, async ({ browser }) => {
    test.setTimeout(120_000);
    const server = await startHearth({ env: { HF_ENDPOINT: hub.endpoint, HF_TOKEN: '', HF_HOME: noHfHome } });
    const page = await browser.newPage({ viewport });
    let clicks = 0;
    try {
      await page.goto(server.url);
      await expect(page).toHaveURL(/#\/welcome$/);
      await expect(page.getByRole('heading', { name: 'Welcome to Hearth', level: 1 })).toBeVisible();
      const starters = page.getByRole('list', { name: 'Starter models' }).getByRole('listitem').filter({ has: page.getByRole('heading', { level: 3 }) });
      await expect(starters).toHaveCount(3);
      for (const starter of await starters.all()) {
        await expect(starter.getByTestId('starter-size')).toHaveText(/\d+(\.\d+)? [KMG]B/);
        await expect(starter.getByTestId('fit-badge')).toBeVisible();
        await expect(starter.getByTestId('licence-badge')).toBeVisible();
      }
      // The Llama starter's terms are on the screen before anything is downloaded.
      await expect(page.getByRole('note', { name: /Licence terms: Llama 3\.2 Community License/ })).toBeVisible();
      await expect(starters.filter({ hasText: 'Recommended' })).toHaveCount(1);
      // Search and import are one click away.
      await expect(page.getByRole('link', { name: 'Search Hugging Face for another model' })).toBeVisible();
      await expect(page.getByRole('link', { name: 'Import a GGUF file you already have' })).toBeVisible();
      await expectNoHorizontalOverflow(page, 'welcome');

      await page.getByRole('button', { name: 'Get started' }).click();
      clicks++;
      // Downloaded, loaded, and a new chat with the cursor in the message box: no click needed.
      await expect(page).toHaveURL(/#\/chat$/, { timeout: 60_000 });
      const box = page.getByRole('textbox', { name: 'Message', exact: true });
      await expect(box).toBeFocused({ timeout: 20_000 });
      // The Downloads panel stayed closed: progress showed in place and in the status bar.
      await expect(page.getByRole('complementary', { name: 'Downloads' })).toHaveCount(0);
      await page.keyboard.type('Hello there');
      await page.keyboard.press('Enter');
      const reply = page.getByRole('article', { name: 'assistant message' }).last();
      await expect.poll(async () => (await reply.textContent())?.trim().length ?? 0, { timeout: 30_000 }).toBeGreaterThan(0);
      await expect(reply.getByTestId('reply-stats')).toBeVisible({ timeout: 60_000 });
      expect(clicks).toBeLessThanOrEqual(2);

      const rpc = await RpcClient.connect(server.origin, server.token);
      const state = await rpc.call<InferenceState>('inference.getState');
      rpc.close();
      expect(state.loaded?.modelId).toMatch(/^Qwen\/Qwen2\.5-1\.5B-Instruct-GGUF\/.*Q4_K_M\.gguf$/);
      await expectNoHorizontalOverflow(page, 'chat after first run');

      // A second visit: the library has a model, so home is the chat (loaded) and My Models offers "Chat".
      await page.goto(server.url.replace(/#.*$/, ''));
      await expect(page).toHaveURL(/#\/chat$/);
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Models' }).click();
      await expect(page.getByRole('button', { name: /^Chat with Qwen2\.5 1\.5B Instruct/ })).toBeVisible();
    } finally {
      await page.close();
      await server.stop();
    }
  });
}
