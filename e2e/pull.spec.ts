/**
 * `hearth pull` and `hearth rm`, the built CLI against the fixture Hub served from this process
 * (`HF_ENDPOINT`). Nothing leaves 127.0.0.1.
 */
import { createHash } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { defaultFixtureCacheDir, ensureFixtureModel } from '../src/main/fixtures/gguf/generateModel';
import { GATED_REPO, startHubFixtureServer, TINY_REPO, type HubFixtureServer } from '../src/main/testing/hub/hubFixtureServer';
import { runHearth, waitUntil } from './support/cliProcess';

let hub: HubFixtureServer;
let root: string;
let modelsDir: string;
let dataDir: string;

test.describe.configure({ mode: 'serial' });
// The first pull starts the engine to read the hardware; on a busy 2-core machine that alone can take 10 s.
test.setTimeout(90_000);

test.beforeAll(async () => {
  hub = await startHubFixtureServer();
});
test.afterAll(async () => {
  await hub.close();
});
test.beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'hearth-pull-e2e-'));
  modelsDir = join(root, 'models');
  dataDir = join(root, 'data');
  hub.requests.length = 0;
});
test.afterEach(async () => {
  hub.slowCdn(undefined);
  hub.corruptFile(TINY_REPO, 'hearth-tiny-Q4_0.gguf', false);
  await rm(root, { recursive: true, force: true });
});

/** No token anywhere: HF_TOKEN unset and HF_HOME pointing at an empty folder. */
function env(endpoint = hub.endpoint): NodeJS.ProcessEnv {
  const { HF_TOKEN: _token, HEARTH_DATA_DIR: _data, HEARTH_MODELS_DIR: _models, ...rest } = process.env;
  return { ...rest, HF_ENDPOINT: endpoint, HF_HOME: join(root, 'hf-home') };
}

function pull(reference: string, endpoint?: string) {
  return runHearth(['pull', reference, '--models-dir', modelsDir, '--data-dir', dataDir], env(endpoint));
}

async function files(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1)).sort();
}

async function sha256Of(path: string): Promise<string> {
  return createHash('sha256').update(await readFile(path)).digest('hex');
}

const size = (path: string): Promise<number> => stat(path).then((s) => s.size, () => -1);
const journal = async (): Promise<{ id: string }[]> =>
  (JSON.parse(await readFile(join(dataDir, 'downloads', 'journal.json'), 'utf8')) as { downloads: { id: string }[] }).downloads;

test('pull owner/repo picks the Recommended model, says why, and verifies it', async () => {
  const result = await pull(TINY_REPO).done;
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  const why = /^Recommended: (hearth-tiny-\w+\.gguf) \(\d+\.\d (KB|MB), (Full GPU offload|Partial GPU offload|Fits in RAM \(CPU\)) at \d+ tokens of context\): \w+ — fits .+, about [\d.]+ tok\/s .+, .*quality loss.*\.$/m.exec(result.stdout);
  expect(why, result.stdout).not.toBeNull();
  const name = why![1]!;
  expect(await sha256Of(join(modelsDir, TINY_REPO, name))).toBe(hub.file(TINY_REPO, name)?.sha256);
  expect(result.stdout).toContain(`Downloaded ${TINY_REPO}/${name}`);
});

test('pull owner/repo:Q8_0 lands the file at <models>/owner/repo/file.gguf; a second pull says it is there', async () => {
  const result = await pull(`${TINY_REPO}:Q8_0`).done;
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  const path = join(modelsDir, TINY_REPO, 'hearth-tiny-Q8_0.gguf');
  expect(await sha256Of(path)).toBe(hub.file(TINY_REPO, 'hearth-tiny-Q8_0.gguf')?.sha256);
  expect(await files(modelsDir)).toEqual([join(TINY_REPO, 'hearth-tiny-Q8_0.gguf')]);
  // Not a terminal: plain lines, no carriage returns.
  expect(result.stdout).not.toContain('\r');

  const cdnBefore = hub.requests.filter((r) => r.server === 'cdn').length;
  const again = await pull(`${TINY_REPO}:Q8_0`).done;
  expect(again.code).toBe(0);
  expect(again.stdout).toContain(`Already downloaded: ${TINY_REPO}/hearth-tiny-Q8_0.gguf`);
  expect(hub.requests.filter((r) => r.server === 'cdn').length).toBe(cdnBefore);
});

test('Ctrl-C leaves a resumable partial download; the same command resumes it with a Range request', async () => {
  const name = 'hearth-tiny-F16.gguf';
  const total = hub.file(TINY_REPO, name)!.bytes.length;
  // About 10 s for the whole file: long enough to interrupt it midway.
  hub.slowCdn(Math.ceil(total / 10));
  const partial = join(modelsDir, TINY_REPO, `.${name}.part`);
  const first = pull(`${TINY_REPO}:F16`);
  await waitUntil('part of the file on disk', async () => (await size(partial)) > total / 10);
  first.child.kill('SIGINT');
  const stopped = await first.done;
  expect(stopped.code).toBe(130);
  expect(stopped.stdout).toContain('Paused: run the same command to resume.');
  const kept = await size(partial);
  expect(kept).toBeGreaterThan(0);
  expect(kept).toBeLessThan(total);
  expect(await size(join(modelsDir, TINY_REPO, name))).toBe(-1);
  expect(await journal()).toHaveLength(1);

  hub.slowCdn(undefined);
  const second = await pull(`${TINY_REPO}:F16`).done;
  expect(second.stderr).toBe('');
  expect(second.code).toBe(0);
  expect(second.stdout).toContain(`Resuming ${TINY_REPO}/${name}`);
  const ranges = hub.requests.filter((r) => r.server === 'cdn' && r.headers.range !== undefined).map((r) => r.headers.range);
  expect(ranges.at(-1)).toBe(`bytes=${kept}-`);
  expect(await sha256Of(join(modelsDir, TINY_REPO, name))).toBe(hub.file(TINY_REPO, name)?.sha256);
  expect(await size(partial)).toBe(-1);
  // Continued under the journalled entry, not beside it: nothing is left in the journal.
  expect(await journal()).toEqual([]);
});

test('a repo that does not exist: exit 1, one line', async () => {
  const result = await pull('hearth-fixtures/no-such-GGUF').done;
  expect(result.code).toBe(1);
  expect(result.stderr).toMatch(/^hearth: Model repo hearth-fixtures\/no-such-GGUF was not found on 127\.0\.0\.1:\d+ \(if it is private, set HF_TOKEN\)\.\n$/);
});

test('a gated repo without a token: exit 1, one line saying what to do', async () => {
  const result = await pull(`${GATED_REPO}:Q4_0`).done;
  expect(result.code).toBe(1);
  expect(result.stderr).toBe(`hearth: ${GATED_REPO} is gated: accept its terms on huggingface.co and set HF_TOKEN.\n`);
  expect(await files(modelsDir)).toEqual([]);
});

test('a hash mismatch: exit 1, the file is deleted and the models folder left empty', async () => {
  hub.corruptFile(TINY_REPO, 'hearth-tiny-Q4_0.gguf');
  const result = await pull(`${TINY_REPO}:Q4_0`).done;
  expect(result.code).toBe(1);
  expect(result.stderr).toMatch(/^hearth: hearth-tiny-Q4_0\.gguf was corrupted in transit \(sha256 mismatch\); it was deleted — download it again\.\n$/);
  expect(await files(modelsDir)).toEqual([]);
  expect(await readdir(modelsDir)).toEqual([]);
});

test('offline (nothing listening at HF_ENDPOINT): exit 1, one line', async () => {
  const closedPort = await new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
  const result = await pull(`${TINY_REPO}:Q4_0`, `http://127.0.0.1:${closedPort}`).done;
  expect(result.code).toBe(1);
  expect(result.stderr).toBe(`hearth: Cannot reach 127.0.0.1:${closedPort}: check your connection or HF_ENDPOINT.\n`);
});

test('an unknown quant lists the available ones; a malformed reference is a bad argument', async () => {
  const unknown = await pull(`${TINY_REPO}:Q2_K`).done;
  expect(unknown.code).toBe(1);
  expect(unknown.stderr).toBe(`hearth: ${TINY_REPO} has no Q2_K model. Available: Q4_0, Q8_0, F16.\n`);
  const malformed = await pull('not a reference').done;
  expect(malformed.code).toBe(2);
  expect(malformed.stderr).toMatch(/^hearth: "not a reference" is not a model reference/);
});

test('rm refuses without a terminal and without --yes; rm --yes deletes', async () => {
  const model = join(modelsDir, 'someone', 'repo', 'doomed.gguf');
  await mkdir(join(modelsDir, 'someone', 'repo'), { recursive: true });
  await copyFile(await ensureFixtureModel(defaultFixtureCacheDir(), { preset: 'tiny', type: 'Q4_0' }), model);

  const refused = await runHearth(['rm', 'doomed.gguf', '--models-dir', modelsDir], env()).done;
  expect(refused.code).toBe(2);
  expect(refused.stderr).toMatch(/^hearth: not deleting someone\/repo\/doomed\.gguf \(\d+\.\d KB\) without a confirmation: run it in a terminal, or pass --yes\.\n$/);
  expect(await size(model)).toBeGreaterThan(0);

  const deleted = await runHearth(['rm', 'someone/repo/doomed.gguf', '--yes', '--models-dir', modelsDir], env()).done;
  expect(deleted.stderr).toBe('');
  expect(deleted.code).toBe(0);
  expect(deleted.stdout).toMatch(/^Deleted someone\/repo\/doomed\.gguf \(\d+\.\d KB\): 1 file\.\n$/);
  expect(await files(modelsDir)).toEqual([]);

  const missing = await runHearth(['rm', 'doomed.gguf', '--yes', '--models-dir', modelsDir], env()).done;
  expect(missing.code).toBe(1);
  expect(missing.stderr).toMatch(/^hearth: No model "doomed\.gguf" in /);
});
