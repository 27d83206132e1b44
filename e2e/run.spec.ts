import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { runHearth } from './support/cliProcess';
import { MODELS, populateE2eModels } from './support/models';

// The built `hearth run`: its own core and engine in the process, no server.
let root: string;
let env: NodeJS.ProcessEnv;

test.beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'hearth-run-'));
  await populateE2eModels(join(root, 'models'));
  env = { ...process.env, HEARTH_GPU: 'off', HEARTH_MODELS_DIR: join(root, 'models'), HEARTH_DATA_DIR: join(root, 'data'), HEARTH_THREADS: '1' };
});
test.afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

test('hearth run <model> "hi" prints the streamed reply and exits 0', async () => {
  const run = await runHearth(['run', MODELS.tiny.id, 'hi', '--max-tokens', '8'], env, 60_000).done;
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  expect(run.stdout.trim().length).toBeGreaterThan(0);
  expect(run.stdout.endsWith('\n')).toBe(true);
});

test('hearth run with an unknown model: one line on stderr, exit 1', async () => {
  const run = await runHearth(['run', 'nobody/nothing.gguf', 'hi'], env, 60_000).done;
  expect(run.code).toBe(1);
  expect(run.stdout).toBe('');
  expect(run.stderr).toBe(`hearth: No model "nobody/nothing.gguf" in ${join(root, 'models')} (hearth ls lists them).\n`);
});
