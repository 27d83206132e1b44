import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../logging/logger';
import { writeFileAtomic } from './atomicWrite';
import type { Journal, JournalEntry } from './downloadTypes';

const UNFINISHED = new Set(['queued', 'downloading', 'paused', 'verifying']);

/**
 * `<dataDir>/downloads/journal.json`: the downloads still in flight. Writes are serialized
 * (each waits for the previous) so an older snapshot can never land after a newer one.
 */
export class DownloadJournal {
  readonly path: string;
  private chain: Promise<void> = Promise.resolve();

  constructor(dataDir: string, private readonly logger: Logger) {
    this.path = join(dataDir, 'downloads', 'journal.json');
  }

  /** The journalled downloads; a missing or unreadable journal is empty (and logged), never fatal. */
  async load(): Promise<JournalEntry[]> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.logger.warn('download journal unreadable', { path: this.path, error: String(error) });
      return [];
    }
    try {
      const journal = JSON.parse(text) as Partial<Journal>;
      return (journal.downloads ?? []).filter(isEntry);
    } catch (error) {
      this.logger.warn('download journal is not valid JSON; ignoring it', { path: this.path, error: String(error) });
      return [];
    }
  }

  /** Replaces the journal with `entries`; resolves once this snapshot is on disk. */
  save(entries: JournalEntry[]): Promise<void> {
    const journal: Journal = { version: 1, downloads: entries };
    const text = `${JSON.stringify(journal, null, 2)}\n`;
    const write = async (): Promise<void> => {
      await mkdir(join(this.path, '..'), { recursive: true });
      await writeFileAtomic(this.path, text);
    };
    const next = this.chain.then(write, write);
    // The chain itself must not reject, or every later save would be skipped.
    this.chain = next.catch((error: unknown) => this.logger.error('could not write the download journal', { path: this.path, error: String(error) }));
    return next;
  }
}

function isEntry(value: unknown): value is JournalEntry {
  const entry = value as JournalEntry | null;
  return (
    typeof entry?.id === 'string' &&
    typeof entry.repo === 'string' &&
    typeof entry.revision === 'string' &&
    Array.isArray(entry.file?.parts) &&
    UNFINISHED.has(entry.state)
  );
}
