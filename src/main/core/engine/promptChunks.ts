/**
 * Prompt evaluation is cut into chunks so Stop works within a fraction of a second and progress
 * can be shown. The chunk size adapts so one chunk takes about {@link CHUNK_TARGET_MS}.
 */
export const FIRST_PROMPT_CHUNK = 64;
const MIN_CHUNK = 16;
const MAX_CHUNK = 512;
const CHUNK_TARGET_MS = 200;

/** The next chunk's size after `tokens` took `elapsedMs` (unchanged when no time was measured). */
export function adaptedChunkSize(current: number, tokens: number, elapsedMs: number): number {
  if (elapsedMs <= 0) return current;
  const ideal = (tokens * CHUNK_TARGET_MS) / elapsedMs;
  return Math.round(Math.min(MAX_CHUNK, Math.max(MIN_CHUNK, ideal)));
}
