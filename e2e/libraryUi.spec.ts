import { copyFile, mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { defaultFixtureCacheDir, ensureFixtureModel } from '../src/main/fixtures/gguf/generateModel';
import { startHearth, type HearthServer } from './support/hearthServer';
import { MODELS, populateE2eModels } from './support/models';

// My Models' library tools: Delete (confirmed), folders added in place and removed, Import by path.
let server: HearthServer;
let outside: string;

test.beforeAll(async () => {
  outside = await mkdtemp(join(tmpdir(), 'hearth-outside-'));
  const tiny = await ensureFixtureModel(defaultFixtureCacheDir(), { preset: 'tiny', type: 'Q4_0' });
  await mkdir(join(outside, 'shelf', 'pub', 'repo'), { recursive: true });
  await copyFile(tiny, join(outside, 'shelf', 'pub', 'repo', 'shelf-tiny.gguf'));
  await copyFile(tiny, join(outside, 'loose-tiny.gguf'));
  server = await startHearth({ populate: populateE2eModels });
});
test.afterAll(async () => {
  expect(await server.stop()).toBe(0);
  await rm(outside, { recursive: true, force: true });
});
test.beforeEach(() => {
  test.setTimeout(40_000);
});

async function openModels(page: Page) {
  await page.goto(server.url);
  await page.getByRole('navigation').getByRole('link', { name: 'Models' }).click();
  await expect(page.getByRole('heading', { name: 'My Models' })).toBeVisible();
}

const rowWith = (page: Page, fileName: string) => page.getByRole('table', { name: 'Local models' }).getByRole('row').filter({ hasText: fileName });

test('Delete asks first; Cancel keeps the file, Delete removes it', async ({ page }) => {
  await openModels(page);
  await page.getByRole('button', { name: 'Delete garbage.gguf' }).click();
  const dialog = page.getByRole('dialog', { name: 'Delete garbage.gguf?' });
  await expect(dialog).toContainText('cannot be undone');
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(rowWith(page, 'garbage.gguf')).toHaveCount(1);

  await page.getByRole('button', { name: 'Delete garbage.gguf' }).click();
  await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(dialog).toHaveCount(0);
  await expect(rowWith(page, 'garbage.gguf')).toHaveCount(0);
  await expect(stat(join(server.modelsDir, MODELS.garbage.id))).rejects.toThrow();
});

test('a folder added in place lists its models; Remove stops listing them and keeps the files', async ({ page }) => {
  const shelf = join(outside, 'shelf');
  await openModels(page);
  const folders = page.getByRole('list', { name: 'Library folders' });
  await expect(folders.getByRole('listitem', { name: server.modelsDir })).toContainText('Hearth models folder');
  await page.getByLabel('Folder path').fill(shelf);
  await page.getByRole('button', { name: 'Add folder' }).click();
  await expect(folders.getByRole('listitem', { name: shelf })).toContainText('1 model');
  await expect(rowWith(page, 'shelf-tiny.gguf')).toHaveCount(1);

  await folders.getByRole('button', { name: `Remove ${shelf}` }).click();
  await expect(folders.getByRole('listitem', { name: shelf })).toHaveCount(0);
  await expect(rowWith(page, 'shelf-tiny.gguf')).toHaveCount(0);
  expect((await stat(join(shelf, 'pub', 'repo', 'shelf-tiny.gguf'))).isFile()).toBe(true);

  // A path that is not a folder says so beside the form.
  await page.getByLabel('Folder path').fill(join(outside, 'nope'));
  await page.getByRole('button', { name: 'Add folder' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Could not add the folder' })).toBeVisible();
});

test('Import by path links a file into the models folder and lists it', async ({ page }) => {
  const source = join(outside, 'loose-tiny.gguf');
  await openModels(page);
  await page.getByLabel('GGUF file path').fill(source);
  await page.getByLabel('Import mode').selectOption('link');
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByText(/^Imported /)).toBeVisible();
  await expect(rowWith(page, 'loose-tiny.gguf')).toHaveCount(1);
  expect((await stat(source)).isFile()).toBe(true);

  // Deleting the link frees no disk space, and the dialog says so (not "removes … MB from disk").
  await rowWith(page, 'loose-tiny.gguf').getByRole('button', { name: /^Delete / }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('removes the link');
  await expect(dialog).not.toContainText('from disk');
  await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(rowWith(page, 'loose-tiny.gguf')).toHaveCount(0);
  expect((await stat(source)).isFile()).toBe(true);
});
