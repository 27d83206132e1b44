import type { HubGgufFile } from '../hub/hubTypes';
import type { JournalEntry } from './downloadTypes';

/**
 * Journalled downloads this process has not taken up (yet). The app takes them all at start
 * (`resumeAll`); a one-shot command such as `hearth pull` takes only the one it is asked for.
 * What is left must still be written back whenever the journal is rewritten, or that command
 * would silently forget the app's other unfinished downloads.
 */
export class JournalBacklog {
  private loading: Promise<Map<string, JournalEntry>> | undefined;
  /** Set once loaded; until then nothing is known, so nothing can be kept. */
  private entries: Map<string, JournalEntry> | undefined;

  constructor(private readonly load: () => Promise<JournalEntry[]>) {}

  /** Removes and returns every entry not taken before. */
  async takeAll(): Promise<JournalEntry[]> {
    const entries = await this.loaded();
    const all = [...entries.values()];
    entries.clear();
    return all;
  }

  /** Removes and returns the entry for `name` of `repo`, if the journal has one. */
  async take(repo: string, name: string): Promise<JournalEntry | undefined> {
    const entries = await this.loaded();
    for (const entry of entries.values()) {
      if (entry.repo === repo && entry.file.name === name) {
        entries.delete(entry.id);
        return entry;
      }
    }
    return undefined;
  }

  /** Entries nobody took: they go back into the journal unchanged. */
  untaken(): JournalEntry[] {
    return this.entries ? [...this.entries.values()] : [];
  }

  private loaded(): Promise<Map<string, JournalEntry>> {
    this.loading ??= this.load().then((list) => {
      this.entries = new Map(list.map((entry) => [entry.id, entry]));
      return this.entries;
    });
    return this.loading;
  }
}

/** Same parts (paths, sizes, hashes): a partial file of one is a valid prefix of the other. */
export function sameParts(a: HubGgufFile, b: HubGgufFile): boolean {
  return (
    a.parts.length === b.parts.length &&
    a.parts.every((part, i) => {
      const other = b.parts[i]!;
      return part.path === other.path && part.size === other.size && part.sha256 === other.sha256;
    })
  );
}
