import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import type { DownloadStatus } from '../src/shared/hubDto';
import type { LicenceCheck } from '../src/shared/licenceDto';
import { FIXTURE_GRANTED_TOKEN, GATED_REPO, startHubFixtureServer, type HubFixtureServer } from '../src/main/testing/hub/hubFixtureServer';
import { startHearth } from './support/hearthServer';
import { expectNoHorizontalOverflow, VIEWPORTS } from './support/layout';
import { RpcClient } from './support/rpcClient';

// The licence check before a download: the stand-in Hub's gated repo is tagged `llama3.1`; with
// its token Hearth may download it, but only after "I understand", which core then remembers.
let hub: HubFixtureServer;
let noHfHome: string;

test.beforeAll(async () => {
  noHfHome = await mkdtemp(join(tmpdir(), 'hearth-no-hf-'));
  hub = await startHubFixtureServer();
});
test.afterAll(async () => {
  await hub?.close();
  await rm(noHfHome, { recursive: true, force: true });
});

for (const viewport of VIEWPORTS) {
  test(`${viewport.width}×${viewport.height}: a Llama-licensed repo shows its terms and needs "I understand" before the first download`, async ({ browser }) => {
    test.setTimeout(90_000);
    const server = await startHearth({ env: { HF_ENDPOINT: hub.endpoint, HF_TOKEN: FIXTURE_GRANTED_TOKEN, HF_HOME: noHfHome } });
    const rpc = await RpcClient.connect(server.origin, server.token);
    const page = await browser.newPage({ viewport });
    try {
      await page.goto(server.url);
      await page.evaluate((hash) => (window.location.hash = hash), `#/discover/${GATED_REPO}`);
      await expect(page.getByRole('heading', { name: GATED_REPO, level: 1 })).toBeVisible();

      // The warning, on the repo page, before anything is downloaded: each term with its source.
      const note = page.getByRole('note', { name: 'Licence terms: Llama 3.1 Community License' });
      await expect(note).toBeVisible();
      await expect(note).toContainText('700 million monthly active users');
      await expect(note).toContainText('Built with Llama');
      await expect(note.getByRole('link', { name: 'Full text' })).toHaveAttribute('href', 'https://www.llama.com/llama3_1/license/');
      await expectNoHorizontalOverflow(page, 'gated repo page');

      const row = page.getByRole('table', { name: `Models of ${GATED_REPO}` }).getByRole('row').filter({ hasText: 'Q4_0' });
      // Cancel: nothing starts.
      await row.getByRole('button', { name: 'Download Q4_0', exact: true }).click();
      const confirm = row.getByRole('alertdialog', { name: 'Accept the Llama 3.1 Community License?' });
      await expect(confirm).toBeVisible();
      await expect(confirm.getByRole('button', { name: 'Cancel' })).toBeFocused();
      await confirm.getByRole('button', { name: 'Cancel' }).click();
      await expect(confirm).toHaveCount(0);
      expect(await rpc.call<DownloadStatus[]>('downloads.list')).toEqual([]);

      // "I understand": remembered by core, then the download runs.
      await row.getByRole('button', { name: 'Download Q4_0', exact: true }).click();
      await confirm.getByRole('button', { name: 'I understand' }).click();
      await expect(row.getByText('Downloaded —')).toBeVisible({ timeout: 30_000 });
      expect((await rpc.call<LicenceCheck>('hub.checkLicence', { licence: 'llama3.1' })).accepted).toBe(true);
      const settings = JSON.parse(await readFile(join(server.dataDir, 'settings.json'), 'utf8')) as { licences: { accepted: string[] } };
      expect(settings.licences.accepted).toEqual(['llama3.1']);

      // Another window does not ask again for this family, but still shows the terms.
      const second = await browser.newPage({ viewport });
      try {
        await second.goto(server.url);
        await second.evaluate((hash) => (window.location.hash = hash), `#/discover/${GATED_REPO}`);
        await expect(second.getByRole('note', { name: 'Licence terms: Llama 3.1 Community License' })).toBeVisible();
        const check = await rpc.call<LicenceCheck>('hub.checkLicence', { licence: 'llama3.1' });
        expect(check).toMatchObject({ family: 'llama3.1', needsConfirmation: true, accepted: true });
      } finally {
        await second.close();
      }
    } finally {
      rpc.close();
      await page.close();
      await server.stop();
    }
  });
}
