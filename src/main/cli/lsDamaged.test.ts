/**
 * `hearth ls` on a folder of damaged GGUF files, run as its own Node process (a damaged header
 * used to abort the process inside node-llama-cpp's reader, which no in-process test can see).
 * Runs the TypeScript entry through tsx, so it needs no build; e2e/cli.spec.ts checks the built CLI.
 */
import { spawnSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { damageCases, DAMAGE_CLASSES } from '../fixtures/gguf/damage';
import { fixtureModel } from '../testing/fixtureModels';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const HEADLESS = fileURLToPath(new URL('../headless.ts', import.meta.url));

let modelsDir: string;
const damagedIds: string[] = [];
const validId = 'pub/tiny-GGUF/tiny-q4_0.gguf';

beforeAll(async () => {
  modelsDir = await mkdtemp(join(tmpdir(), 'hearth-ls-damaged-'));
  const valid = await fixtureModel({ preset: 'tiny', type: 'Q4_0' });
  await mkdir(dirname(join(modelsDir, validId)), { recursive: true });
  await copyFile(valid, join(modelsDir, validId));
  // Three cases of every class, the ones that crashed the old reader (bit 31 lengths) among them.
  const perClass = new Map<string, number>();
  for (const damage of damageCases(await readFile(valid), { seed: 5, randomFlipCases: 3 })) {
    const seen = perClass.get(damage.className) ?? 0;
    if (seen >= 3 && !damage.description.startsWith('bit 31')) continue;
    perClass.set(damage.className, seen + 1);
    const id = `${damage.className}-${seen}${damage.description.startsWith('bit 31') ? '-bit31' : ''}.gguf`;
    await writeFile(join(modelsDir, id), damage.bytes);
    damagedIds.push(id);
  }
  expect(perClass.size).toBe(DAMAGE_CLASSES.length);
});
afterAll(() => rm(modelsDir, { recursive: true, force: true }));

it('hearth ls lists every damaged file on one line and exits 0', () => {
  const script = `const { main } = await import(${JSON.stringify(HEADLESS)}); await main(['ls', '--models-dir', ${JSON.stringify(modelsDir)}]);`;
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(run.signal, run.stderr).toBeNull();
  expect(run.status, run.stderr).toBe(0);
  expect(run.stderr).toBe('');
  const lines = run.stdout.trimEnd().split('\n');
  expect(lines[0]).toMatch(/^MODEL\s+QUANT\s+SIZE\s+DETAILS$/);
  expect(lines).toHaveLength(1 + damagedIds.length + 1);
  expect(run.stdout).toMatch(new RegExp(`${validId}\\s+Q4_0\\s+\\S+ \\S+\\s+llama 512 ctx`));
  for (const id of damagedIds) {
    const line = lines.filter((l) => l.startsWith(`${id} `));
    expect(line, id).toHaveLength(1);
    expect(line[0], id).toMatch(/\s+-\s+\S+ \S+\s+unreadable: \S.{0,199}$/);
  }
});
