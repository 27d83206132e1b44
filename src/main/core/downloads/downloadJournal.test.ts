import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../logging/logger';
import { DownloadJournal } from './downloadJournal';
import type { JournalEntry } from './downloadTypes';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-journal-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const entry = (id: string): JournalEntry => ({
  id, repo: 'o/r', revision: 'main', state: 'downloading',
  file: { name: 'm.gguf', size: 3, parts: [{ path: 'm.gguf', size: 3, sha256: 'a'.repeat(64) }], projector: false },
});

describe('DownloadJournal', () => {
  it('round-trips entries, keeps the last of many quick saves, and leaves no temp files', async () => {
    const journal = new DownloadJournal(dir, silentLogger);
    expect(await journal.load()).toEqual([]);
    const saves = [];
    for (let i = 0; i < 20; i++) saves.push(journal.save([entry(String(i))]));
    await Promise.all(saves);
    expect(await new DownloadJournal(dir, silentLogger).load()).toEqual([entry('19')]);
    expect(await readdir(join(dir, 'downloads'))).toEqual(['journal.json']);
    expect(JSON.parse(await readFile(journal.path, 'utf8'))).toMatchObject({ version: 1 });
  });

  it('drops entries that are not downloads in flight', async () => {
    const journal = new DownloadJournal(dir, silentLogger);
    await journal.save([entry('a'), { ...entry('b'), state: 'done' as never }, { id: 'c' } as never]);
    expect((await journal.load()).map((e) => e.id)).toEqual(['a']);
  });
});
