import { appendFile, mkdir, rename, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Most bytes of one server's log before it is rotated (one older generation is kept as `.1`). */
export const SERVER_LOG_MAX_BYTES = 1024 * 1024;
/** How much of the latest stderr is kept in memory to explain a failed start or a crash. */
const TAIL_CHARS = 600;
/** Longest line held back waiting for its newline, in characters. */
const PENDING_MAX = 64 * 1024;

/**
 * One stdio server's stderr, appended to `<dataDir>/logs/mcp/<name>.log`, bounded: past
 * {@link SERVER_LOG_MAX_BYTES} the file moves to `.log.1` (replacing the older one) and a new one
 * starts. Secret values (its env) are replaced by `***` before anything is written, since servers
 * sometimes print their configuration.
 */
export class ServerLog {
  private chain: Promise<void> = Promise.resolve();
  private size: number | null = null;
  private tailText = '';
  /** Text after the last newline, held back so a secret split across two reads is still masked. */
  private pending = '';

  constructor(
    readonly path: string,
    private readonly secrets: () => string[],
    private readonly maxBytes = SERVER_LOG_MAX_BYTES,
  ) {}

  /** The last few hundred characters of stderr (secrets masked), for error messages. */
  tail(): string {
    return (this.tailText + mask(this.pending, this.secrets())).slice(-TAIL_CHARS).trim();
  }

  resetTail(): void {
    this.tailText = '';
  }

  write(text: string): void {
    this.pending += text;
    const end = this.pending.lastIndexOf('\n');
    if (end >= 0) this.emit(end + 1);
    else if (this.pending.length > PENDING_MAX) this.emit(this.pending.length);
  }

  private emit(upTo: number): void {
    const masked = mask(this.pending.slice(0, upTo), this.secrets());
    this.pending = this.pending.slice(upTo);
    if (!masked) return;
    this.tailText = (this.tailText + masked).slice(-TAIL_CHARS);
    this.chain = this.chain.then(() => this.append(masked)).catch(() => undefined);
  }

  /** A line of Hearth's own about this server (start, stop, crash), time-stamped. */
  note(line: string): void {
    this.emit(this.pending.length);
    this.write(`[hearth ${new Date().toISOString()}] ${line}\n`);
  }

  /** Resolves once everything written so far is on disk. */
  flushed(): Promise<void> {
    this.emit(this.pending.length);
    return this.chain;
  }

  private async append(text: string): Promise<void> {
    if (this.size === null) {
      await mkdir(dirname(this.path), { recursive: true });
      this.size = await stat(this.path).then(
        (info) => info.size,
        () => 0,
      );
    }
    const bytes = Buffer.byteLength(text, 'utf8');
    if (this.size + bytes > this.maxBytes && this.size > 0) {
      await rename(this.path, `${this.path}.1`).catch(() => undefined);
      this.size = 0;
    }
    // A single burst larger than the cap keeps only its end.
    const kept = bytes > this.maxBytes ? Buffer.from(text, 'utf8').subarray(bytes - this.maxBytes).toString('utf8') : text;
    await appendFile(this.path, kept, 'utf8');
    this.size += Buffer.byteLength(kept, 'utf8');
  }
}

/** Replaces every secret value (4 characters or more: shorter ones would mask ordinary words) with `***`. */
export function mask(text: string, secrets: string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join('***');
  return out;
}
