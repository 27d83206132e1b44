import type { ReplyInfo } from '../../../../shared/chatDto';
import { formatMs } from '../../shared/lib/format';
import { cx, errorText, mutedText } from '../../shared/components/ui';
import { formatStatsLine, statsTitle, stopReasonText } from './replyStats';

/** `312 tokens · 41.8 tok/s · 180 ms · finished` under a reply; every figure named on hover. */
export function ReplyStats({ reply, modelName }: { reply: ReplyInfo; modelName?: string }) {
  if (reply.status === 'streaming') return null;
  const { stats } = reply;
  const reason = stopReasonText(reply);
  const [length, rate, ttft] = stats ? formatStatsLine(stats).split(' · ') : [];
  const title = [stats ? statsTitle(stats) : null, modelName ? `Model: ${modelName}` : null].filter(Boolean).join('\n');
  return (
    <p data-testid="reply-stats" title={title || undefined} className={cx('mt-1.5 font-mono text-xs tabular-nums', mutedText)}>
      {stats && (
        <>
          <span title={`Reply length\n${title}`}>{length}</span>
          {' · '}
          <span title={`Generation speed\n${title}`}>{rate}</span>
          {' · '}
          <span title={`Time to first token: ${formatMs(stats.timeToFirstTokenMs)} ms\n${title}`}>{ttft}</span>
          {' · '}
        </>
      )}
      <span className={cx(reply.status === 'error' && errorText)} role={reply.status === 'error' ? 'alert' : undefined}>
        {reason}
      </span>
    </p>
  );
}
