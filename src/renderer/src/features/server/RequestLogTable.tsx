import { cx, errorText, mutedText } from '../../shared/components/ui';
import { formatDuration, formatTokens, LOG_LIMIT } from './requestLog';
import { useServerStore } from './server';
import { Section } from './serverUi';

const cell = 'py-1 pr-3 whitespace-nowrap';

/** The live request log, newest first: what other apps asked and how it went. */
export function RequestLogTable({ className }: { className?: string }) {
  const log = useServerStore((s) => s.log);
  const logError = useServerStore((s) => s.logError);
  return (
    <Section title="Request log" className={className}>
      <p className={cx('mb-2 text-xs', mutedText)}>
        Newest first, live; the last {LOG_LIMIT} are shown here and every request is kept in logs/api.jsonl in the data folder.
      </p>
      {logError && <p className={cx('mb-2 text-xs', errorText)}>Could not read the log: {logError}</p>}
      {log.length === 0 ? (
        <p className={mutedText}>No requests yet. Start the server and try one of the examples.</p>
      ) : (
        <div className="max-h-96 overflow-auto">
          <table aria-label="Request log" className="w-full border-collapse text-xs">
            <thead className="sticky top-0 bg-white dark:bg-zinc-950">
              <tr className={cx('border-b border-zinc-200 text-left dark:border-zinc-800', mutedText)}>
                <th scope="col" className={cx(cell, 'font-medium')}>Time</th>
                <th scope="col" className={cx(cell, 'font-medium max-lg:hidden')}>Method</th>
                <th scope="col" className={cx(cell, 'font-medium')}>Path</th>
                <th scope="col" className={cx(cell, 'font-medium')}>Model</th>
                <th scope="col" className={cx(cell, 'text-right font-medium')}>Status</th>
                <th scope="col" className={cx(cell, 'text-right font-medium')}>Tokens (in → out)</th>
                <th scope="col" className={cx(cell, 'text-right font-medium')}>Duration</th>
              </tr>
            </thead>
            <tbody className="font-mono tabular-nums">
              {log.map((entry) => (
                <tr key={entry.id} className="border-b border-zinc-100 last:border-0 dark:border-zinc-800/70">
                  <td className={cell}>
                    <time dateTime={entry.time}>{new Date(entry.time).toLocaleTimeString()}</time>
                  </td>
                  <td className={cx(cell, 'max-lg:hidden')}>{entry.method}</td>
                  <td className={cx(cell, 'max-w-40 truncate lg:max-w-64')} title={`${entry.method} ${entry.path}`}>{entry.path}</td>
                  <td className={cx(cell, 'max-w-40 truncate lg:max-w-64')} title={entry.model}>{entry.model ?? '–'}</td>
                  <td className={cx(cell, 'text-right', entry.status >= 400 && errorText)} title={entry.error}>
                    {entry.status}
                    {entry.error && ` ${entry.error}`}
                  </td>
                  <td className={cx(cell, 'text-right')}>{formatTokens(entry)}</td>
                  <td className={cx(cell, 'text-right')}>{formatDuration(entry.durationMs)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
}
