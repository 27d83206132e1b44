import { cx, mutedText } from '../../shared/components/ui';
import { meterText, meterValues } from './hardware';

/**
 * One memory pool as a horizontal bar with its numbers. An ARIA meter named `name` whose value is
 * bytes in use (of `aria-valuemax` bytes), with the same sentence a person reads as its value text.
 */
export function MemoryMeter({ name, totalBytes, freeBytes, caption }: { name: string; totalBytes: number; freeBytes: number; caption?: string }) {
  const values = meterValues(totalBytes, freeBytes);
  const text = meterText(values);
  return (
    <div>
      <div className="flex items-baseline justify-between gap-3">
        <span className="font-medium">
          {name}
          {caption && <span className={cx('ml-2 text-xs font-normal', mutedText)}>{caption}</span>}
        </span>
        <span className="font-mono text-xs tabular-nums" aria-hidden="true">
          {text.used} <span className={mutedText}>· {text.free}</span>
        </span>
      </div>
      <div
        role="meter"
        aria-label={name}
        aria-valuemin={0}
        aria-valuemax={values.totalBytes}
        aria-valuenow={values.usedBytes}
        aria-valuetext={`${text.used}, ${text.free} (${values.percent} % used)`}
        className="mt-1 h-2 overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800"
      >
        <div className="h-full rounded-full bg-accent" style={{ width: `${values.percent}%` }} />
      </div>
    </div>
  );
}
