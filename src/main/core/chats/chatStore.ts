import { mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Conversation, QuarantinedChat } from '../../../shared/chatDto';
import { isValidChatId } from '../../../shared/chatSchemas';
import { AppError } from '../../../shared/errors';
import { mapConcurrent } from '../library/mapConcurrent';
import type { Logger } from '../logging/logger';
import { syncDirectory, writeFileAtomic } from '../storage/atomicWrite';
import { parseConversation, serializeConversation } from './chatFile';
import { NewerSchemaError } from './chatMigrations';
import { SerialWriter } from './serialWriter';

/** How long a deleted chat stays restorable, in ms (checked on start and at each delete). */
export const TRASH_RETENTION_MS = 7 * 24 * 60 * 60_000;
/** A temp file older than this (ms) was left by a writer that died; younger ones may be live. */
const STALE_TEMP_MS = 60_000;
/** Chat files read at once on start. */
const READ_CONCURRENCY = 16;

export interface LoadedChats {
  conversations: Conversation[];
  quarantined: QuarantinedChat[];
}

/**
 * One JSON file per conversation: `<chatsDir>/<id>.json`, written atomically (temp file, fsync,
 * rename) and one write at a time per file. Unreadable files go to `quarantine/` with a
 * `.reason.txt` beside them; deleted chats go to `trash/` until restored or expired.
 */
export class ChatStore {
  readonly quarantineDir: string;
  readonly trashDir: string;
  private readonly writer: SerialWriter;
  /** Ids trashed since start: a late write (a checkpoint racing the delete) must not recreate them. */
  private readonly trashed = new Set<string>();

  constructor(
    readonly dir: string,
    private readonly logger: Logger,
  ) {
    this.quarantineDir = join(dir, 'quarantine');
    this.trashDir = join(dir, 'trash');
    this.writer = new SerialWriter((id, data) => writeFileAtomic(this.pathOf(id), data));
  }

  /** The file of a chat id. The id is checked first, so no input can name a path elsewhere. */
  pathOf(id: string, inDir = this.dir): string {
    if (!isValidChatId(id)) throw new AppError('BAD_REQUEST', 'Invalid chat id.');
    return join(inDir, `${id}.json`);
  }

  /** Reads every chat; quarantines the unreadable ones; empties expired trash and stale temp files. */
  async loadAll(): Promise<LoadedChats> {
    await mkdir(this.quarantineDir, { recursive: true });
    await mkdir(this.trashDir, { recursive: true });
    await this.purgeTrash();
    const entries = await readdir(this.dir, { withFileTypes: true });
    const files = entries.filter((e) => e.isFile()).map((e) => e.name);
    await Promise.all(files.filter((name) => name.startsWith('.') && name.endsWith('.tmp')).map((name) => this.removeIfStale(name)));
    const results = await mapConcurrent(
      files.filter((name) => name.endsWith('.json') && !name.startsWith('.')),
      READ_CONCURRENCY,
      (name) => this.loadFile(name),
    );
    const conversations: Conversation[] = [];
    const quarantined: QuarantinedChat[] = [];
    for (const result of results) {
      if ('conversation' in result) conversations.push(result.conversation);
      else quarantined.push(result.problem);
    }
    return { conversations, quarantined };
  }

  private async loadFile(name: string): Promise<{ conversation: Conversation } | { problem: QuarantinedChat }> {
    const id = name.slice(0, -'.json'.length);
    try {
      if (!isValidChatId(id)) throw new Error('the file name is not a chat id');
      const conversation = parseConversation(await readFile(join(this.dir, name), 'utf8'));
      if (conversation.id !== id) throw new Error(`the file says it is chat ${conversation.id}`);
      return { conversation };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (error instanceof NewerSchemaError) {
        // Not broken, just not ours to read: leave it for the Hearth that wrote it.
        this.logger.warn('chat file from a newer Hearth left in place', { file: name, reason });
        return { problem: { fileName: name, reason, movedTo: null } };
      }
      const movedTo = await this.quarantine(name, reason);
      this.logger.warn('unreadable chat file quarantined', { file: name, reason, movedTo });
      return { problem: { fileName: name, reason, movedTo } };
    }
  }

  private async quarantine(name: string, reason: string): Promise<string> {
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const target = join(this.quarantineDir, `${stamp}-${name}`);
    await rename(join(this.dir, name), target);
    await writeFile(`${target}.reason.txt`, `${reason}\n`, 'utf8');
    await syncDirectory(this.dir);
    return target;
  }

  /** Queues a write of the chat's current state (see {@link SerialWriter}); ignored once trashed. */
  save(conversation: Conversation): Promise<void> {
    if (this.trashed.has(conversation.id)) return Promise.resolve();
    return this.writer.write(conversation.id, serializeConversation(conversation));
  }

  /** Waits for every queued write. */
  flush(): Promise<void> {
    return this.writer.flush();
  }

  /** True when a file for `id` exists in the chats folder or the trash (ids are never reused). */
  async exists(id: string): Promise<boolean> {
    const found = await Promise.all([this.pathOf(id), this.pathOf(id, this.trashDir)].map((path) => stat(path).then(() => true, () => false)));
    return found.some(Boolean);
  }

  /** Moves a chat to the trash, after its queued writes. */
  async trash(id: string): Promise<void> {
    this.trashed.add(id);
    await this.writer.settle(id);
    const target = this.pathOf(id, this.trashDir);
    await rename(this.pathOf(id), target);
    // The retention clock starts now, not at the chat's last change (rename keeps the mtime).
    const now = new Date();
    await utimes(target, now, now);
    await syncDirectory(this.dir);
    await this.purgeTrash();
  }

  /** Brings a trashed chat back and returns it. */
  async restore(id: string): Promise<Conversation> {
    const source = this.pathOf(id, this.trashDir);
    let conversation: Conversation;
    try {
      conversation = parseConversation(await readFile(source, 'utf8'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new AppError('NOT_FOUND', 'That chat is not in the trash (it may have expired).');
      throw new AppError('INTERNAL', `The trashed chat cannot be read: ${(error as Error).message}`);
    }
    await rename(source, this.pathOf(id));
    await syncDirectory(this.dir);
    this.trashed.delete(id);
    return conversation;
  }

  private async purgeTrash(): Promise<void> {
    const cutoff = Date.now() - TRASH_RETENTION_MS;
    for (const name of await readdir(this.trashDir).catch(() => [] as string[])) {
      const path = join(this.trashDir, name);
      const info = await stat(path).catch(() => null);
      if (info && info.mtimeMs < cutoff) await rm(path, { force: true });
    }
  }

  private async removeIfStale(name: string): Promise<void> {
    const path = join(this.dir, name);
    const info = await stat(path).catch(() => null);
    if (info && info.mtimeMs < Date.now() - STALE_TEMP_MS) await rm(path, { force: true });
  }
}
