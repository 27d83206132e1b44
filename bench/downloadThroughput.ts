/**
 * `npm run bench:download` (also the last part of `npm run bench`): how fast Hearth downloads a
 * model compared with the simplest possible download of the same bytes.
 *
 * The fixture Hub (src/main/testing/hub) serves the SmolLM2-135M-shaped F16 model (~270 MB) on
 * 127.0.0.1, its `resolve` URL redirecting to a second "CDN" server as the real Hub does. Rows,
 * each the median of REPS runs into a fresh folder on the same file system:
 *   hearth DownloadManager  – `start()` to `done`: resolve + redirect, sha256 while receiving,
 *                             fsync, hash check, atomic rename, journal and progress events
 *   fetch → file            – one `fetch` of the CDN URL piped to a file, nothing else
 *   fetch → file + sha256 + fsync – the same plus the two costs Hearth must pay for integrity,
 *                             to show where any gap comes from
 *   file → file stream copy – the file read from disk and written again: the disk's ceiling
 * Rows are interleaved round by round after a warm-up. Loopback has no network limit, so this
 * measures Hearth's own overhead per byte, not a line. The fixture runs in a child process so its
 * sending does not share the measured side's event loop. Prints MB/s (1 MB = 10^6 bytes), the
 * ratio to "fetch → file" and this process's CPU time per run; JSON to bench/results/.
 */
import { createHash } from 'node:crypto';
import { fork } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { DownloadManager } from '../src/main/core/downloads/downloadManager';
import { HubClient } from '../src/main/core/hub/hubClient';
import { silentLogger } from '../src/main/core/logging/logger';
import { defaultFixtureCacheDir, ensureFixtureModel } from '../src/main/fixtures/gguf/generateModel';
import { makeFixtureRepo, startHubFixtureServer } from '../src/main/testing/hub/hubFixtureServer';

const REPS = Number(process.env.BENCH_REPS ?? 3);
const REPO = 'hearth-bench/smollm2-135m-GGUF';
const FILE = 'hearth-bench-smollm2-135m-F16.gguf';
/** Longest one download may take before the bench gives up, in ms. */
const RUN_TIMEOUT_MS = 5 * 60_000;

interface Row {
  setup: string;
  /** Median, in MB/s (10^6 bytes per second). */
  mbPerSecond: number;
  /** Every run, in MB/s. */
  runs: number[];
  /** Median CPU time of this process (all its threads) per run, in ms: the cost per byte, less sensitive to a busy machine than MB/s. */
  cpuMs: number;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

interface Setup {
  name: string;
  body: (dir: string) => Promise<void>;
}

/** One timed run of `setup` in a fresh folder: MB/s and CPU ms. */
async function runOnce(root: string, bytes: number, setup: Setup): Promise<{ speed: number; cpuMs: number }> {
  const dir = await mkdtemp(join(root, 'run-'));
  try {
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    await setup.body(dir);
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    return { speed: bytes / 1e6 / seconds, cpuMs: (cpu.user + cpu.system) / 1000 };
  } finally {
    // Each run writes ~270 MB: delete it before the next so the disk never fills.
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * One untimed warm-up of every setup (JIT, the CDN's first request), then REPS rounds, each
 * running every setup once: a busy spell on the machine then hits all rows alike, not one.
 */
async function measure(root: string, bytes: number, setups: Setup[]): Promise<Row[]> {
  for (const setup of setups) await runOnce(root, bytes, setup);
  const runs = setups.map(() => ({ speeds: [] as number[], cpuMs: [] as number[] }));
  for (let rep = 0; rep < REPS; rep++) {
    for (const [i, setup] of setups.entries()) {
      const { speed, cpuMs } = await runOnce(root, bytes, setup);
      runs[i]!.speeds.push(speed);
      runs[i]!.cpuMs.push(cpuMs);
    }
  }
  return setups.map((setup, i) => {
    const { speeds, cpuMs } = runs[i]!;
    console.log(`${setup.name}: ${speeds.map((r) => r.toFixed(0)).join(', ')} MB/s; CPU ${cpuMs.map((ms) => ms.toFixed(0)).join(', ')} ms`);
    return { setup: setup.name, mbPerSecond: median(speeds), runs: speeds, cpuMs: median(cpuMs) };
  });
}

async function hearthDownload(client: HubClient, dir: string): Promise<void> {
  const manager = new DownloadManager({ hub: client, modelsDir: join(dir, 'models'), dataDir: join(dir, 'data'), logger: silentLogger });
  try {
    const file = (await client.getRepo(REPO)).files.find((f) => f.name === FILE);
    if (!file) throw new Error(`${FILE} is missing from the fixture listing`);
    const finished = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('download timed out')), RUN_TIMEOUT_MS);
      manager.onChange((status) => {
        if (status.state === 'done') resolve();
        else if (status.state === 'failed' || status.state === 'cancelled') reject(new Error(status.error ?? status.state));
        else return;
        clearTimeout(timer);
      });
    });
    await manager.start({ repo: REPO, file });
    await finished;
  } finally {
    await manager.close();
  }
}

/** `fetch` → file, optionally hashing and fsyncing like Hearth does. */
async function plainFetch(url: string, target: string, integrity: boolean): Promise<void> {
  const response = await fetch(url, { signal: AbortSignal.timeout(RUN_TIMEOUT_MS) });
  if (!response.ok || !response.body) throw new Error(`CDN answered ${response.status}`);
  const body = Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>);
  if (!integrity) return pipeline(body, createWriteStream(target));
  const hash = createHash('sha256');
  const hasher = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      callback(null, chunk);
    },
  });
  await pipeline(body, hasher, createWriteStream(target));
  const handle = await open(target, 'r+');
  await handle.sync();
  await handle.close();
  hash.digest('hex');
}

/** Child process: serves the fixture Hub with the big file, sends its endpoint, stops when the parent goes. */
async function serveFixture(source: string): Promise<void> {
  const hub = await startHubFixtureServer({ extraRepos: [makeFixtureRepo(REPO, [{ path: FILE, bytes: await readFile(source) }])] });
  process.send?.({ endpoint: hub.endpoint });
  process.once('disconnect', () => void hub.close().then(() => process.exit(0)));
}

/** Starts {@link serveFixture} in a child process; resolves with its endpoint and a stop function. */
async function startFixtureProcess(source: string): Promise<{ endpoint: string; close: () => Promise<void> }> {
  const child = fork(fileURLToPath(import.meta.url), ['--serve-fixture', source], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  const endpoint = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the fixture Hub did not start within 120 s')), 120_000);
    child.once('message', (message: { endpoint: string }) => {
      clearTimeout(timer);
      resolve(message.endpoint);
    });
    child.once('exit', (code) => reject(new Error(`the fixture Hub exited with ${code}`)));
  });
  const close = async (): Promise<void> => {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.disconnect();
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
    if (child.exitCode === null) child.kill();
  };
  return { endpoint, close };
}

async function main(): Promise<void> {
  const source = await ensureFixtureModel(defaultFixtureCacheDir(), { preset: 'smollm2-135m', type: 'F16' });
  // Other work on the machine shows up directly in these numbers: keep it beside them.
  const loadBefore = loadavg()[0]!;
  const hub = await startFixtureProcess(source);
  const root = await mkdtemp(join(tmpdir(), 'hearth-bench-download-'));
  try {
    const client = new HubClient({ endpoint: hub.endpoint });
    const cdnUrl = (await client.headFile(REPO, FILE)).location;
    if (!cdnUrl) throw new Error('the fixture Hub did not redirect to its CDN');
    const size = (await stat(source)).size;
    const rows = await measure(root, size, [
      { name: 'hearth DownloadManager', body: (dir) => hearthDownload(client, dir) },
      { name: 'fetch → file', body: (dir) => plainFetch(cdnUrl, join(dir, FILE), false) },
      { name: 'fetch → file + sha256 + fsync', body: (dir) => plainFetch(cdnUrl, join(dir, FILE), true) },
      { name: 'file → file stream copy', body: (dir) => pipeline(createReadStream(source), createWriteStream(join(dir, FILE))) },
    ]);

    const baseline = rows.find((row) => row.setup === 'fetch → file')!.mbPerSecond;
    console.log(`\nDownload throughput — ${FILE} (${(size / 1e6).toFixed(1)} MB) from the loopback fixture Hub, median of ${REPS}, ${cpus()[0]?.model ?? 'cpu'} x${availableParallelism()}, load average ${loadBefore.toFixed(1)} → ${loadavg()[0]!.toFixed(1)}`);
    console.table(rows.map((row) => ({ setup: row.setup, 'MB/s': row.mbPerSecond.toFixed(0), 'vs fetch → file': (row.mbPerSecond / baseline).toFixed(2), 'CPU ms': row.cpuMs.toFixed(0) })));
    const outDir = new URL('./results/', import.meta.url);
    await mkdir(outDir, { recursive: true });
    const out = new URL(`download-${new Date().toISOString().replace(/[:.]/g, '-')}.json`, outDir);
    await writeFile(out, JSON.stringify({ date: new Date().toISOString(), reps: REPS, file: FILE, bytes: size, cores: availableParallelism(), loadAverage: [loadBefore, loadavg()[0]], rows }, null, 2));
    console.log(`written ${out.pathname}`);
  } finally {
    await hub.close();
    await rm(root, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--serve-fixture') await serveFixture(process.argv[3]!);
else await main();
