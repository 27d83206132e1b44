import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CRASH_CHAT_ID, versionOf } from '../../testing/chatFixtures';
import { silentLogger } from '../logging/logger';
import { parseConversation } from './chatFile';
import { ChatStore } from './chatStore';

const WRITER = fileURLToPath(new URL('../../testing/chatWriterLoop.ts', import.meta.url));
let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'hearth-chat-kill-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

/** Starts the writer loop, lets it write until `afterWrites` versions are on disk plus `extraMs`, then SIGKILLs it. */
async function killMidWrite(dir: string, afterWrites: number, extraMs: number): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let written = -1;
  let stderr = '';
  child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (data: Buffer) => {
      const numbers = [...data.toString().matchAll(/wrote (\d+)/g)].map((m) => Number(m[1]));
      written = Math.max(written, ...numbers);
      if (written + 1 >= afterWrites) resolve();
    });
    void exited.then(() => reject(new Error(`writer exited early: ${stderr}`)));
  });
  await new Promise((resolve) => setTimeout(resolve, extraMs));
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
  return written;
}

it('a writer killed with SIGKILL mid-write leaves a complete earlier or later version, never a torn file', async () => {
  const dir = join(root, 'chats');
  // Several kills at different moments: some land inside a write (temp file half written).
  for (const [afterWrites, extraMs] of [[3, 0], [6, 9]] as const) {
    const lastReported = await killMidWrite(dir, afterWrites, extraMs);
    const text = await readFile(join(dir, `${CRASH_CHAT_ID}.json`), 'utf8');
    const onDisk = parseConversation(text);
    const n = Number(/^version (\d+)$/.exec(onDisk.messages[0]!.content)?.[1]);
    // The file is exactly one version the writer produced: the last it reported, or the one it was writing.
    expect(n).toBeGreaterThanOrEqual(lastReported);
    expect(n).toBeLessThanOrEqual(lastReported + 1);
    expect(onDisk).toEqual(versionOf(n));
  }
  // A later start loads it (temp files of the dead writer are skipped, not read).
  const { conversations, quarantined } = await new ChatStore(dir, silentLogger).loadAll();
  expect(quarantined).toEqual([]);
  expect(conversations.map((c) => c.id)).toEqual([CRASH_CHAT_ID]);
  expect((await readdir(dir)).filter((name) => name.endsWith('.json'))).toEqual([`${CRASH_CHAT_ID}.json`]);
}, 30_000);
