// `npm test`: typecheck, lint, unit tests (vitest), build, end-to-end tests (Playwright), in that
// order. Every stage runs even when an earlier one failed, so one run shows every problem. Before
// the end-to-end stage it finds Chromium (scripts/findBrowser.mjs: installs Debian's chromium when
// run as root with apt-get, else says which command to run; no browser counts as one failure).
// Ends with one line `N passed, N failed, N skipped` counting tests (a failed typecheck or lint
// counts as one failure) and exits non-zero on any failure.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBrowser } from './findBrowser.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const results = join(root, 'test-results');
rmSync(join(results, 'vitest.json'), { force: true });
rmSync(join(results, 'playwright.json'), { force: true });
mkdirSync(results, { recursive: true });

const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
function run(name, args, env = {}) {
  process.stdout.write(`\n=== ${name} ===\n`);
  const started = Date.now();
  const { status } = spawnSync(npx, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  process.stdout.write(`=== ${name}: ${status === 0 ? 'ok' : `FAILED (exit ${status})`} in ${((Date.now() - started) / 1000).toFixed(1)} s ===\n`);
  return status === 0;
}

const totals = { passed: 0, failed: 0, skipped: 0 };
if (!run('typecheck', ['tsc', '--noEmit', '-p', 'tsconfig.json'])) totals.failed++;
if (!run('lint', ['eslint', '--max-warnings', '0', '.'])) totals.failed++;

const unitOk = run('unit', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${join(results, 'vitest.json')}`]);
const unit = readJson(join(results, 'vitest.json'));
if (unit) {
  totals.passed += unit.numPassedTests;
  totals.failed += unit.numFailedTests;
  totals.skipped += unit.numPendingTests + (unit.numTodoTests ?? 0);
  if (!unitOk && unit.numFailedTests === 0) totals.failed++; // e.g. a suite that failed to import
} else if (!unitOk) totals.failed++;

const buildOk = run('build', ['electron-vite', 'build']);
if (!buildOk) totals.failed++;
process.stdout.write('\n=== browser ===\n');
const browser = ensureBrowser();
process.stdout.write(`${browser.path ? `Chromium for the end-to-end tests: ${browser.path} (${browser.source})` : browser.advice}\n`);
if (!browser.path) {
  totals.failed++; // the e2e stage cannot run: one failure, whatever the build did
  process.stdout.write('=== e2e: FAILED (no Chromium) ===\n');
}

if (buildOk && browser.path) {
  const e2eOk = run('e2e', ['playwright', 'test'], { HEARTH_CHROMIUM: browser.path });
  const e2e = readJson(join(results, 'playwright.json'));
  if (e2e?.stats) {
    totals.passed += e2e.stats.expected;
    totals.failed += e2e.stats.unexpected + (e2e.stats.flaky ?? 0);
    totals.skipped += e2e.stats.skipped;
    if (!e2eOk && e2e.stats.unexpected === 0) totals.failed++;
  } else if (!e2eOk) totals.failed++;
}

process.stdout.write(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`);
process.exit(totals.failed === 0 ? 0 : 1);

function readJson(path) {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}
