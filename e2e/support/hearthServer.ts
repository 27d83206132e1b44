import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/hearth.js', import.meta.url));
const READY = /^Hearth ready at (http:\/\/\S+)$/;

export interface HearthServer {
  /** URL with the token, as printed. */
  url: string;
  origin: string;
  token: string;
  port: number;
  dataDir: string;
  modelsDir: string;
  process: ChildProcess;
  /** Everything the server wrote to stderr so far (for failure messages). */
  stderr(): string;
  /** Every line the server wrote to stdout so far. */
  stdoutLines(): string[];
  stop(): Promise<number | null>;
}

/**
 * Starts the real built app: `hearth serve --port 0` with temp data and models folders, one
 * thread, CPU only. Resolves on the one "Hearth ready at" line, like a user or script would.
 */
export async function startHearth(
  options: { modelsDir?: string; dataDir?: string; threads?: number; populate?: (modelsDir: string) => Promise<unknown>; env?: Record<string, string>; args?: string[] } = {},
): Promise<HearthServer> {
  const root = await mkdtemp(join(tmpdir(), 'hearth-e2e-'));
  // Given folders outlive `stop()` (a restart test starts a second server over them); the temp root does not.
  const dataDir = options.dataDir ?? join(root, 'data');
  const modelsDir = options.modelsDir ?? join(root, 'models');
  await options.populate?.(modelsDir);
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--threads', String(options.threads ?? 1), '--data-dir', dataDir, '--models-dir', modelsDir, ...(options.args ?? [])], {
    env: { ...process.env, HEARTH_GPU: 'off', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const lines = createInterface({ input: child.stdout! });
  const stdoutLines: string[] = [];
  lines.on('line', (line) => stdoutLines.push(line));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`hearth serve did not become ready in 30 s.\n${stderr}`)), 30_000);
    lines.on('line', (line) => {
      const match = READY.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`hearth serve exited with ${code} before it was ready.\n${stderr}`));
    });
  });
  const parsed = new URL(url);
  return {
    url,
    origin: parsed.origin,
    token: parsed.searchParams.get('token')!,
    port: Number(parsed.port),
    dataDir,
    modelsDir,
    process: child,
    stderr: () => stderr,
    stdoutLines: () => [...stdoutLines],
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      const code = await exited;
      await rm(root, { recursive: true, force: true });
      return code;
    },
  };
}
