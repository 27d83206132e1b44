/**
 * Wording of why a GGUF file cannot be used. Every message is one line a person can act on,
 * at most {@link MAX_REASON_CHARS} characters, and never echoes more than a short, cleaned-up
 * snippet of the file's own bytes (keys and names may be garbage in a damaged file).
 */
import { AppError } from '../../../shared/errors';
import { formatBytes } from '../../../shared/format';

/** Longest reason shown next to a file in the library and in `hearth ls`, in characters. */
export const MAX_REASON_CHARS = 200;
/** Longest snippet of a key or tensor name quoted in a reason, in characters. */
const MAX_QUOTED_CHARS = 40;

/** A MODEL_UNREADABLE error with `reason` clipped to one short line. */
export function unreadable(reason: string): AppError {
  const line = reason.replace(/\s+/g, ' ').trim();
  return new AppError('MODEL_UNREADABLE', line.length <= MAX_REASON_CHARS ? line : `${line.slice(0, MAX_REASON_CHARS - 1)}…`);
}

/** The file's bytes contradict themselves: the usual result of a bad download or disk. */
export function damaged(reason: string): AppError {
  return unreadable(`damaged: ${reason}`);
}

/** `text` in single quotes, control characters replaced and clipped, safe to show. */
export function quote(text: string): string {
  // eslint-disable-next-line no-control-regex -- replacing control characters is the point
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
  return `'${clean.length <= MAX_QUOTED_CHARS ? clean : `${clean.slice(0, MAX_QUOTED_CHARS - 1)}…`}'`;
}

/** A count with thousands separators (`2147483648` → `2,147,483,648`). */
export function countText(count: number): string {
  return count.toLocaleString('en-US', { maximumFractionDigits: 0 });
}

/** Sizes as the rest of the app shows them, except that tiny files keep their exact byte count. */
export function sizeText(bytes: number): string {
  return bytes < 1000 ? `${bytes} bytes` : formatBytes(bytes);
}

/** "a 68.1 KB file", "a 24-byte file". */
export function aFileOf(bytes: number): string {
  return bytes < 1000 ? `a ${bytes}-byte file` : `a ${formatBytes(bytes)} file`;
}

/**
 * A length or count field asks for more bytes than are left. A claim larger than the whole file
 * means the field itself is broken; a smaller one may also be a file that was cut short.
 */
export function claimsTooMuch(what: string, claimedBytes: number, remainingBytes: number, fileBytes: number): AppError {
  if (claimedBytes > fileBytes) return damaged(`${what} claims ${sizeText(claimedBytes)} in ${aFileOf(fileBytes)}`);
  return damaged(`${what} runs past the end of the file (needs ${sizeText(claimedBytes)}, ${sizeText(remainingBytes)} left)`);
}

/** The file stops before its header does (cut-off download or copy). */
export function endsInsideHeader(fileBytes: number): AppError {
  return damaged(`the file ends inside the header (${sizeText(fileBytes)})`);
}
