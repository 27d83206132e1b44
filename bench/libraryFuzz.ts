/**
 * `node --import tsx bench/libraryFuzz.ts [--compare-old]`: memory and time of listing a models
 * folder full of damaged GGUF files.
 *
 * Writes 200 damaged copies of the tiny fixture (every class from src/main/fixtures/gguf/damage.ts,
 * then random bit flips) plus a few whose string lengths claim 256 MB to 4 GB, then lists the
 * folder with LibraryService in a fresh Node process and prints: cases per class, unreadable and
 * ok counts, wall time, the slowest single header, and peak RSS (sampled every 10 ms inside the
 * process, and the kernel's maximum from /usr/bin/time -v).
 *
 * --compare-old also lists the same files with node-llama-cpp's readGgufFileInfo, the way Hearth
 * did before (all files at once), once for the whole folder and once per huge-length file, each in
 * its own process because that reader can abort the process.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readGgufFileInfo } from 'node-llama-cpp';
import { silentLogger } from '../src/main/core/logging/logger';
import { readModelMetadata } from '../src/main/core/library/ggufMetadata';
import { LibraryService } from '../src/main/core/library/libraryService';
import { damageCases } from '../src/main/fixtures/gguf/damage';
import { mapGgufLayout } from '../src/main/fixtures/gguf/ggufLayout';
import { defaultFixtureCacheDir, ensureFixtureModel } from '../src/main/fixtures/gguf/generateModel';

/** Damaged files written (env BENCH_FUZZ_FILES overrides; the systematic cases come first). */
const DAMAGED_FILES = Number(process.env.BENCH_FUZZ_FILES ?? 200);
const SEED = 42;
const THIS_FILE = fileURLToPath(import.meta.url);
const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const MB = 1e6;

/** What one listing process reports on its last stdout line. */
interface ListingReport {
  reader: 'hearth' | 'node-llama-cpp';
  wallMs: number;
  baselineRssBytes: number;
  peakRssBytes: number;
  /** Per file name: 'ok' or the reason it is unreadable. */
  results: Record<string, string>;
  /** Slowest single header read, in ms (hearth only; read again one at a time after the listing). */
  slowestFileMs?: number;
}

if (process.argv[2] === '--child') {
  await listInThisProcess(process.argv[3]!, process.argv[4] as ListingReport['reader']);
} else {
  await main(process.argv.includes('--compare-old'));
}

async function main(compareOld: boolean): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'hearth-bench-fuzz-'));
  try {
    const classes = await writeCorpus(dir);
    const hearth = runListing(dir, 'hearth');
    printReport(hearth, classes);
    if (compareOld) {
      console.log('\nnode-llama-cpp readGgufFileInfo (the reader Hearth used before), all files at once:');
      const old = runListing(dir, 'node-llama-cpp');
      printOutcome(old);
      console.log('\nnode-llama-cpp readGgufFileInfo, one huge-length file per process:');
      for (const file of await readdir(join(dir, 'huge'))) {
        const single = await mkdtemp(join(tmpdir(), 'hearth-bench-one-'));
        await writeFile(join(single, file), await readFile(join(dir, 'huge', file)));
        process.stdout.write(`  ${file.padEnd(28)} `);
        printOutcome(runListing(single, 'node-llama-cpp'));
        await rm(single, { recursive: true, force: true });
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Writes the damaged files; returns file name → damage class. */
async function writeCorpus(dir: string): Promise<Map<string, string>> {
  const validPath = await ensureFixtureModel(defaultFixtureCacheDir(), { preset: 'tiny', type: 'Q4_0' });
  const valid = await readFile(validPath);
  const classes = new Map<string, string>();
  let index = 0;
  for (const damage of damageCases(valid, { seed: SEED, randomFlipCases: DAMAGED_FILES })) {
    if (index === DAMAGED_FILES) break;
    const name = `${String(index++).padStart(3, '0')}-${damage.className}.gguf`;
    await writeFile(join(dir, name), damage.bytes);
    classes.set(name, damage.className);
  }
  await mkdir(join(dir, 'huge'));
  const layout = mapGgufLayout(valid);
  const tokens = layout.metadata.find((e) => e.key === 'tokenizer.ggml.tokens')!;
  const template = layout.metadata.find((e) => e.key === 'tokenizer.chat_template')!;
  const huge: Array<[string, number, bigint]> = [
    ['huge-256MB-token.gguf', tokens.stringLengthsAt[100]!, 256n * 1024n * 1024n],
    ['huge-256MB-template.gguf', template.stringLengthsAt[0]!, 256n * 1024n * 1024n],
    ['huge-1GB-token.gguf', tokens.stringLengthsAt[5]!, 1024n * 1024n * 1024n],
    ['huge-2GB-bit31-token.gguf', tokens.stringLengthsAt[12]!, 2n ** 31n + 5n],
    ['huge-4GB-key.gguf', template.keyLengthAt, 2n ** 32n],
  ];
  for (const [name, at, length] of huge) {
    const bytes = Buffer.from(valid);
    bytes.writeBigUInt64LE(length, at);
    await writeFile(join(dir, 'huge', name), bytes);
    classes.set(`huge/${name}`, 'huge-length');
  }
  return classes;
}

/** Runs one listing in a fresh Node process under /usr/bin/time -v when available. */
function runListing(dir: string, reader: ListingReport['reader']): { report?: ListingReport; maxRssBytes?: number; exit: string } {
  const node = [process.execPath, '--import', 'tsx', THIS_FILE, '--child', dir, reader];
  const timed = existsSync('/usr/bin/time');
  const run = spawnSync(timed ? '/usr/bin/time' : node[0]!, timed ? ['-v', ...node] : node.slice(1), {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 300_000,
    maxBuffer: 64 * MB,
  });
  const maxRssKb = /Maximum resident set size \(kbytes\): (\d+)/.exec(run.stderr)?.[1];
  const signal = /Command terminated by signal (\d+)/.exec(run.stderr)?.[1];
  const exit = run.signal ? `killed (${run.signal}, timeout)` : signal ? `crashed (signal ${signal})` : `exit ${run.status}`;
  const last = run.stdout.trimEnd().split('\n').pop() ?? '';
  return {
    ...(last.startsWith('{') ? { report: JSON.parse(last) as ListingReport } : {}),
    ...(maxRssKb ? { maxRssBytes: Number(maxRssKb) * 1024 } : {}),
    exit,
  };
}

function printReport(run: ReturnType<typeof runListing>, classes: Map<string, string>): void {
  const report = run.report;
  if (!report) {
    console.log(`Hearth's listing did not finish: ${run.exit}`);
    process.exitCode = 1;
    return;
  }
  const rows = new Map<string, { cases: number; unreadable: number; ok: number }>();
  for (const [file, className] of classes) {
    const row = rows.get(className) ?? { cases: 0, unreadable: 0, ok: 0 };
    row.cases++;
    if (report.results[file] === 'ok') row.ok++;
    else row.unreadable++;
    rows.set(className, row);
  }
  console.table(Object.fromEntries(rows));
  const values = Object.values(report.results);
  const ok = values.filter((v) => v === 'ok').length;
  console.log(`files listed:        ${values.length} (${values.length - ok} unreadable, ${ok} ok), ${run.exit}`);
  console.log(`wall time:           ${report.wallMs.toFixed(0)} ms (slowest single header ${report.slowestFileMs?.toFixed(1)} ms)`);
  console.log(`RSS before listing:  ${(report.baselineRssBytes / MB).toFixed(1)} MB`);
  console.log(`peak RSS (sampled):  ${(report.peakRssBytes / MB).toFixed(1)} MB`);
  if (run.maxRssBytes) console.log(`peak RSS (time -v):  ${(run.maxRssBytes / MB).toFixed(1)} MB (whole process, including Node and imports)`);
}

function printOutcome(run: ReturnType<typeof runListing>): void {
  const rss = run.maxRssBytes ? `${(run.maxRssBytes / MB).toFixed(0)} MB peak RSS` : 'peak RSS unknown';
  if (!run.report) {
    console.log(`${run.exit}, ${rss}`);
    return;
  }
  const values = Object.values(run.report.results);
  const ok = values.filter((v) => v === 'ok').length;
  console.log(`${run.exit}, ${values.length} files (${ok} "ok"), ${run.report.wallMs.toFixed(0)} ms, ${rss}`);
}

/** Child process: lists `dir` with one reader and prints a {@link ListingReport} as JSON. */
async function listInThisProcess(dir: string, reader: ListingReport['reader']): Promise<void> {
  const baselineRssBytes = process.memoryUsage().rss;
  let peakRssBytes = baselineRssBytes;
  const sampler = setInterval(() => {
    peakRssBytes = Math.max(peakRssBytes, process.memoryUsage().rss);
  }, 10);
  const started = performance.now();
  const results: Record<string, string> = {};
  if (reader === 'hearth') {
    for (const model of await new LibraryService(dir, silentLogger).listModels()) {
      results[model.id] = model.status === 'ok' ? 'ok' : (model.error ?? 'unreadable');
    }
  } else {
    // What Hearth did before: node-llama-cpp's reader on every file at once.
    const files = await findFiles(dir);
    await Promise.all(
      files.map((file) =>
        readGgufFileInfo(file, { sourceType: 'filesystem', readTensorInfo: true, logWarnings: false }).then(
          () => (results[file.slice(dir.length + 1)] = 'ok'),
          (error: unknown) => (results[file.slice(dir.length + 1)] = String(error).slice(0, 200)),
        ),
      ),
    );
  }
  const wallMs = performance.now() - started;
  peakRssBytes = Math.max(peakRssBytes, process.memoryUsage().rss);
  clearInterval(sampler);
  let slowestFileMs: number | undefined;
  if (reader === 'hearth') {
    slowestFileMs = 0;
    for (const file of await findFiles(dir)) {
      const t = performance.now();
      await readModelMetadata(file, basename(file)).catch(() => undefined);
      slowestFileMs = Math.max(slowestFileMs, performance.now() - t);
    }
  }
  const report: ListingReport = { reader, wallMs, baselineRssBytes, peakRssBytes, results, ...(slowestFileMs !== undefined ? { slowestFileMs } : {}) };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

async function findFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith('.gguf')).map((e) => join(e.parentPath, e.name));
}
