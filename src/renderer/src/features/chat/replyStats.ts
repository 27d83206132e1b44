import type { ReplyInfo } from '../../../../shared/chatDto';
import type { GenerationStats } from '../../../../shared/dto';
import { formatMs, formatRate } from '../../shared/lib/format';

/** Stop reasons and statistics in people's words. */

/** "finished", "length limit", "stopped by you", "error: …"; "writing…" while it streams. */
export function stopReasonText(reply: Pick<ReplyInfo, 'status' | 'stopReason' | 'error'>): string {
  if (reply.status === 'streaming') return 'writing…';
  switch (reply.stopReason) {
    case 'eos':
      return 'finished';
    case 'length':
      return 'length limit';
    case 'stop':
      return 'finished at a stop string';
    case 'abort':
      return 'stopped by you';
    case 'error':
      return `error: ${reply.error ?? 'unknown error'}`;
    default:
      return reply.status === 'stopped' ? 'stopped by you' : reply.status === 'error' ? `error: ${reply.error ?? 'unknown error'}` : 'finished';
  }
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** `312 tokens · 41.8 tok/s · 180 ms` (the last figure: time to first token). */
export function formatStatsLine(stats: GenerationStats): string {
  return [plural(stats.completionTokens, 'token'), `${formatRate(stats.tokensPerSecond)} tok/s`, `${formatMs(stats.timeToFirstTokenMs)} ms`].join(' · ');
}

/** The whole story, for the hover title: every figure with its name. */
export function statsTitle(stats: GenerationStats): string {
  const lines = [
    `Reply: ${plural(stats.completionTokens, 'token')} at ${formatRate(stats.tokensPerSecond)} tok/s`,
    `Time to first token: ${formatMs(stats.timeToFirstTokenMs)} ms`,
    `Prompt: ${plural(stats.promptTokens, 'token')}, ${stats.cachedPromptTokens} reused from the previous turn` +
      (stats.promptTokens > stats.cachedPromptTokens ? `, read at ${formatRate(stats.promptTokensPerSecond)} tok/s` : ''),
    `Total time: ${formatMs(stats.totalMs)} ms`,
  ];
  if (stats.queuedMs > 0) lines.push(`Waited in line: ${formatMs(stats.queuedMs)} ms`);
  return lines.join('\n');
}

/** Progress of a reply with no text yet. */
export type ReplyProgress = { kind: 'queued'; position: number } | { kind: 'prompt'; processed: number; total: number };

/** "Waiting for a free slot: next in line…" or "Reading the conversation: 40 %". */
export function describeProgress(progress: ReplyProgress): string {
  if (progress.kind === 'queued') {
    return progress.position === 1 ? 'Waiting for a free slot: next in line…' : `Waiting for a free slot: ${progress.position} in line…`;
  }
  const percent = progress.total > 0 ? Math.floor((progress.processed / progress.total) * 100) : 0;
  return `Reading the conversation: ${percent} % (${progress.processed} of ${progress.total} tokens)`;
}
