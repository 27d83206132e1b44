import { toPercent } from '../../shared/lib/format';
import { mutedText } from '../../shared/components/ui';

/** A model load in progress: a native progress bar named after the model, and the percentage. */
export function LoadProgress({ name, progress }: { name: string; progress: number }) {
  const percent = toPercent(progress);
  return (
    <span className="inline-flex items-center gap-2">
      <progress
        aria-label={`Loading ${name}`}
        max={100}
        value={percent}
        className="h-1.5 w-28 overflow-hidden rounded-full bg-zinc-200 accent-accent dark:bg-zinc-800 [&::-webkit-progress-bar]:bg-zinc-200 dark:[&::-webkit-progress-bar]:bg-zinc-800 [&::-webkit-progress-value]:bg-accent [&::-moz-progress-bar]:bg-accent"
      />
      <span className={`font-mono text-xs tabular-nums ${mutedText}`}>{percent}%</span>
    </span>
  );
}
