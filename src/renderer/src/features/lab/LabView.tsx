import { useEffect } from 'react';
import { cx, errorText, mutedText, secondaryButton } from '../../shared/components/ui';
import { useLabStore } from './lab';
import { formatEta } from './labFormat';
import { LabResults } from './LabResults';
import { LabSetup } from './LabSetup';

/**
 * `#/lab`: the quantization lab. Pick files of one model, measure them side by side on this
 * machine (size, load time, RAM, pp/tg speed) and their quality against the most precise one
 * (perplexity, KL divergence, top-token agreement, RMS Δp, as llama-perplexity computes them).
 */
export function LabView() {
  const load = useLabStore((s) => s.load);
  const error = useLabStore((s) => s.error);
  useEffect(() => {
    void load();
  }, [load]);

  return (
    <div className="h-full overflow-y-auto p-6">
      <h1 className="text-lg font-semibold">Quantization lab</h1>
      <p className={cx('max-w-3xl text-xs', mutedText)}>
        Measures quantizations of one model on this machine, one after another in an engine of their own (your loaded model stays
        loaded): size, load time, memory, prompt and generation speed, and how much the output distribution moves away from the most
        precise file — the method of llama.cpp&apos;s <code>llama-perplexity --kl-divergence</code>, so the numbers can be checked against it.
      </p>
      {error && (
        <p role="alert" className={cx('mt-3', errorText)}>
          {error}
        </p>
      )}
      <div className="mt-4 flex max-w-6xl flex-col gap-4">
        <LabSetup />
        <LabProgressCard />
        <LabResults />
      </div>
    </div>
  );
}

function LabProgressCard() {
  const running = useLabStore((s) => s.running);
  const progress = useLabStore((s) => s.progress);
  const groups = useLabStore((s) => s.groups);
  const cancel = useLabStore((s) => s.cancel);
  if (!running) return null;
  const fileName = groups?.flatMap((g) => g.models).find((m) => m.id === progress?.modelId)?.fileName ?? progress?.modelId ?? '';
  const percent = Math.floor((progress?.fraction ?? 0) * 100);
  const step = !progress
    ? 'Starting the lab engine…'
    : progress.phase === 'evaluating'
      ? `chunk ${progress.chunk + 1} of ${progress.chunks}`
      : progress.phase === 'speed'
        ? 'measuring speed'
        : progress.phase;
  return (
    <section aria-label="Lab progress" className="rounded-lg border border-zinc-200 p-4 dark:border-zinc-800">
      <div className="flex flex-wrap items-center gap-3">
        <div
          role="progressbar"
          aria-label="Lab progress"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={percent}
          className="h-2 w-64 overflow-hidden rounded bg-zinc-200 dark:bg-zinc-800"
        >
          <div className="h-full bg-accent" style={{ width: `${percent}%` }} />
        </div>
        <span className="font-mono text-sm tabular-nums">{percent}%</span>
        <span className="text-sm">
          {progress ? `File ${progress.modelIndex} of ${progress.modelCount} · ${fileName} · ${step}` : step}
        </span>
        <span className={cx('text-sm', mutedText)}>{formatEta(progress?.etaMs ?? null)}</span>
        <button type="button" className={secondaryButton} onClick={() => void cancel()}>
          Cancel
        </button>
      </div>
    </section>
  );
}
