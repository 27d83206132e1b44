import { watch, type FSWatcher } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../logging/logger';

/**
 * A file another process may rewrite (`providers.json`, by `hearth provider add|rm` while the app
 * runs): whether it changed since last seen (mtime, size, inode, so an unchanged file is not read
 * again), and an optional watch that calls back once per burst of writes.
 */
export class WatchedFile {
  private seen = '';
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly dir: string,
    private readonly name: string,
    private readonly logger: Logger,
  ) {}

  get path(): string {
    return join(this.dir, this.name);
  }

  /** True when the file is not the one last seen (a first call sees it); it is then the one seen. */
  async changed(): Promise<boolean> {
    const stamp = await this.stamp();
    if (stamp === this.seen) return false;
    this.seen = stamp;
    return true;
  }

  /** Watches the folder (the file is replaced by rename on every write, so the folder is what to watch). */
  async watch(onChange: () => void): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    try {
      this.watcher = watch(this.dir, (_event, file) => {
        if (file !== this.name) return;
        // A write is a temp file and a rename: one call after the burst.
        clearTimeout(this.timer);
        this.timer = setTimeout(onChange, 100);
      });
      this.watcher.on('error', (error) => this.logger.warn(`watching ${this.name} stopped`, { error: String(error) }));
    } catch (error) {
      // No watch on this file system: callers still notice changes through `changed`.
      this.logger.warn(`${this.name} cannot be watched`, { error: String(error) });
    }
  }

  close(): void {
    clearTimeout(this.timer);
    this.watcher?.close();
    this.watcher = undefined;
  }

  private async stamp(): Promise<string> {
    try {
      const { mtimeMs, size, ino } = await stat(this.path);
      return `${mtimeMs}:${size}:${ino}`;
    } catch {
      return 'none';
    }
  }
}
