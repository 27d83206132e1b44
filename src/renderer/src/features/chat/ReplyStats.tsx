import type { GenerationStats } from '../../../../shared/dto';
import { formatMs, formatRate } from '../../shared/lib/format';
import { mutedText } from '../../shared/components/ui';

/** `312 tok · 41.8 tok/s · TTFT 180 ms · eos` under a finished reply. */
export function ReplyStats({ stats }: { stats: GenerationStats }) {
  return (
    <p data-testid="reply-stats" className={`mt-1.5 font-mono text-xs tabular-nums ${mutedText}`}>
      {formatReplyStats(stats)}
    </p>
  );
}

export function formatReplyStats(stats: GenerationStats): string {
  return [
    `${stats.completionTokens} tok`,
    `${formatRate(stats.tokensPerSecond)} tok/s`,
    `TTFT ${formatMs(stats.timeToFirstTokenMs)} ms`,
    stats.stopReason,
  ].join(' · ');
}
