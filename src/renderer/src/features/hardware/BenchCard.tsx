import { useEffect } from 'react';
import type { BenchProgress, BenchResult, BenchThreadRun, MachineProfile } from '../../../../shared/benchDto';
import { formatBytes } from '../../shared/lib/format';
import { badge, cx, errorText, mutedText, primaryButton, secondaryButton } from '../../shared/components/ui';
import { selectLoaded, useInferenceStore } from '../inference/inference';
import { bandwidthText, benchPercent, latestResultFor, useBenchStore } from './bench';

const card = 'rounded-lg border border-zinc-200 p-4 dark:border-zinc-800';

/**
 * The Benchmark action on the loaded model (llama-bench's pp512 / tg128 per thread count, in an
 * engine process of its own), its progress, and the latest result of that model here.
 */
export function BenchCard() {
  const loaded = useInferenceStore(selectLoaded);
  const overview = useBenchStore((s) => s.overview);
  const running = useBenchStore((s) => s.running);
  const error = useBenchStore((s) => s.error);
  const fetch = useBenchStore((s) => s.fetch);
  const run = useBenchStore((s) => s.run);
  const cancel = useBenchStore((s) => s.cancel);
  useEffect(() => {
    void fetch();
  }, [fetch]);
  const shownId = running?.modelId ?? loaded?.modelId;
  const result = latestResultFor(overview, shownId);
  return (
    <section aria-labelledby="hardware-benchmark" className={cx(card, 'lg:col-span-2')}>
      <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
        <h2 id="hardware-benchmark" className="text-sm font-semibold">
          Benchmark
        </h2>
        {running ? (
          <button type="button" className={cx(secondaryButton, 'px-2 py-1 text-xs')} onClick={cancel}>
            Cancel benchmark
          </button>
        ) : (
          loaded && (
            <button type="button" className={cx(primaryButton, 'px-2 py-1 text-xs')} aria-label={`Benchmark ${loaded.name}`} onClick={() => void run(loaded.modelId)}>
              Benchmark
            </button>
          )
        )}
      </div>
      {!loaded && !running && <p className={mutedText}>Load a model to benchmark it on this machine: prompt processing and generation speed for each thread count.</p>}
      {loaded && !running && !result && (
        <p className={cx('text-xs', mutedText)}>
          Measures {loaded.name} as llama-bench does (pp512, tg128) at each thread count, in a separate engine process: the loaded model stays loaded. The fastest
          thread count becomes this model&apos;s default, and the speed predictions on Discover use the bandwidth it implies.
        </p>
      )}
      {running && <BenchProgressView runs={running.runs} percent={benchPercent(running.progress)} progress={running.progress} />}
      {error && (
        <p role="alert" className={cx('mt-2 text-xs', errorText)}>
          The benchmark failed: {error}
        </p>
      )}
      {!running && result && <BenchResultView result={result} />}
    </section>
  );
}

function BenchProgressView({ runs, percent, progress }: { runs: BenchThreadRun[]; percent: number; progress: BenchProgress | null }) {
  const status =
    progress === null || progress.type === 'loading'
      ? 'Loading the model in a separate engine…'
      : progress.type === 'measuring'
        ? `Measuring ${progress.threads} thread${progress.threads === 1 ? '' : 's'} (${progress.done + 1} of ${progress.total})${progress.etaSeconds !== undefined ? `, about ${progress.etaSeconds} s left` : ''}…`
        : `${progress.done} of ${progress.total} thread counts done…`;
  return (
    <div>
      <div role="progressbar" aria-label="Benchmark progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent} className="h-1.5 w-full overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800">
        <div className="bg-accent h-full rounded-full transition-[width] duration-200" style={{ width: `${percent}%` }} />
      </div>
      <p className={cx('mt-1 text-xs', mutedText)} aria-live="polite">
        {status}
      </p>
      {runs.length > 0 && <RunsTable runs={runs} label="Benchmark so far" />}
    </div>
  );
}

function RunsTable({ runs, label, best, promptTokens = 512, genTokens = 128 }: { runs: BenchThreadRun[]; label: string; best?: number; promptTokens?: number; genTokens?: number }) {
  const cell = 'py-1 pr-4 text-right font-mono tabular-nums';
  return (
    <table aria-label={label} className="mt-2 w-full max-w-2xl border-collapse text-xs">
      <thead>
        <tr className={cx('border-b border-zinc-200 text-right dark:border-zinc-800', mutedText)}>
          <th scope="col" className="py-1 pr-4 font-medium">Threads</th>
          <th scope="col" className="py-1 pr-4 font-medium">pp{promptTokens} tok/s</th>
          <th scope="col" className="py-1 pr-4 font-medium">tg{genTokens} tok/s</th>
          <th scope="col" className="py-1 pr-4 font-medium">First token</th>
        </tr>
      </thead>
      <tbody>
        {runs.map((run) => (
          <tr key={run.threads} className="border-b border-zinc-100 last:border-0 dark:border-zinc-800/70">
            <td className={cell}>
              {run.threads === best && <span className={cx(badge, 'bg-accent-soft text-accent-text mr-2')}>Best</span>}
              {run.threads}
            </td>
            <td className={cell}>{run.ppTokensPerSecond.toFixed(1)}</td>
            <td className={cell}>{run.tgTokensPerSecond.toFixed(1)}</td>
            <td className={cell}>{Math.round(run.timeToFirstTokenMs)} ms</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function BenchResultView({ result }: { result: BenchResult }) {
  const best = result.runs.find((run) => run.threads === result.bestThreads);
  return (
    <div>
      <p className="text-sm">
        <span className="font-medium">{result.modelName}</span> ({result.quantization}): best at <strong>{result.bestThreads}</strong> thread{result.bestThreads === 1 ? '' : 's'},{' '}
        {best?.tgTokensPerSecond.toFixed(1)} tok/s generating; loads of this model use {result.bestThreads} thread{result.bestThreads === 1 ? '' : 's'} unless told otherwise.
      </p>
      <RunsTable runs={result.runs} label={`Benchmark of ${result.modelName}`} best={result.bestThreads} promptTokens={result.promptTokens} genTokens={result.genTokens} />
      <p className={cx('mt-2 font-mono text-xs tabular-nums', mutedText)}>
        Load {(result.loadMs / 1000).toFixed(1)} s · +{formatBytes(result.memory.ramBytes)} RAM{result.memory.vramBytes > 0 && ` + ${formatBytes(result.memory.vramBytes)} VRAM`} ·{' '}
        {formatBytes(result.bytesPerToken)} read per token · <time dateTime={result.ranAt}>{new Date(result.ranAt).toLocaleString()}</time>
      </p>
    </div>
  );
}

/** Effective memory bandwidth here, which the Discover view's predicted speeds divide by. */
export function ProfileCard() {
  const overview = useBenchStore((s) => s.overview);
  if (!overview) return null;
  return (
    <section aria-labelledby="hardware-machine-profile" className={card}>
      <h2 id="hardware-machine-profile" className="mb-3 text-sm font-semibold">
        Machine profile
      </h2>
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-xs">
        <ProfileRow name="CPU bandwidth" figure={overview.machine.cpu} />
        {overview.machine.gpu && <ProfileRow name={`GPU bandwidth${overview.machine.gpu.devices.length ? ` (${overview.machine.gpu.devices.join(', ')})` : ''}`} figure={overview.machine.gpu} />}
      </dl>
      <p className={cx('mt-2 text-xs', mutedText)}>Bytes of weights read per generated token × measured tg tok/s. Predicted speeds divide a file&apos;s bytes per token by it.</p>
    </section>
  );
}

function ProfileRow({ name, figure }: { name: string; figure: MachineProfile['cpu'] }) {
  const { value, source } = bandwidthText(figure);
  return (
    <>
      <dt className={mutedText}>{name}</dt>
      <dd>
        <span className="font-mono tabular-nums" data-testid={`bandwidth-${name.startsWith('CPU') ? 'cpu' : 'gpu'}`}>
          {value}
        </span>{' '}
        <span className={mutedText}>· {source}</span>
      </dd>
    </>
  );
}
