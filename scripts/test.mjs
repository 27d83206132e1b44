// `npm test`: typecheck, lint, unit tests (vitest), end-to-end tests (Playwright), in that order.
// Every stage runs even when an earlier one failed, so one run shows every problem. Ends with one
// line `N passed, N failed, N skipped` counting tests (a failed typecheck or lint counts as one
// failure) and exits non-zero on any failure.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

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
const e2eOk = buildOk && run('e2e', ['playwright', 'test']);
const e2e = readJson(join(results, 'playwright.json'));
if (e2e?.stats) {
  totals.passed += e2e.stats.expected;
  totals.failed += e2e.stats.unexpected + (e2e.stats.flaky ?? 0);
  totals.skipped += e2e.stats.skipped;
  if (!e2eOk && e2e.stats.unexpected === 0) totals.failed++;
} else if (buildOk && !e2eOk) totals.failed++;

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
