import type { ModelFit } from '../../../../shared/hardwareDto';
import { badge, cx, errorText, mutedText } from '../../shared/components/ui';
import { fitBadge, fitTitle, formatHeadroom, selectFit, splitRows, useFitsStore } from './fits';
import { formatBytes } from '../../shared/lib/format';

/**
 * The fit cell of a model row: the label badge (reason on hover), Recommended when it is the file
 * to pick, and the "Why?" disclosure that opens the details row below.
 */
export function FitCell({
  modelId,
  label,
  expanded,
  detailsId,
  onToggle,
}: {
  modelId: string;
  label: string;
  expanded: boolean;
  detailsId: string;
  onToggle(): void;
}) {
  const fit = useFitsStore(selectFit(modelId));
  const estimated = useFitsStore((s) => s.estimated);
  const loading = useFitsStore((s) => s.loading);

  if (!fit) {
    return <span className={cx('text-xs', mutedText)}>{!estimated && loading ? 'Estimating…' : '–'}</span>;
  }
  const { text, classes } = fitBadge(fit);
  return (
    <div className="flex flex-wrap items-center gap-1.5">
      <span className={cx(badge, 'whitespace-nowrap ring-1 ring-inset', classes)} title={fitTitle(fit)} data-testid="fit-badge">
        {text}
      </span>
      {fit.recommended && (
        <span className={cx(badge, 'bg-accent-soft text-accent-text')} title={fit.recommendation}>
          Recommended
        </span>
      )}
      <button
        type="button"
        aria-expanded={expanded}
        aria-controls={detailsId}
        aria-label={`Why? ${label}`}
        onClick={onToggle}
        className="rounded px-1 text-xs font-medium text-accent-text underline underline-offset-2 hover:no-underline"
      >
        Why?
      </button>
    </div>
  );
}

/** The reasoning behind a fit: memory split for RAM and VRAM, GPU layers, headroom, margin, reason. */
export function FitDetails({ modelId, label, id }: { modelId: string; label: string; id: string }) {
  const fit = useFitsStore(selectFit(modelId));
  const asked = useFitsStore((s) => s.contextSize);
  const loading = useFitsStore((s) => s.loading);
  return (
    <section id={id} aria-label={`Fit details: ${label}`} aria-busy={loading} className="rounded-md bg-zinc-50 px-4 py-3 text-xs dark:bg-zinc-900">
      {fit ? <FitDetailsBody fit={fit} asked={asked} /> : <p className={mutedText}>No estimate yet.</p>}
    </section>
  );
}

function FitDetailsBody({ fit, asked }: { fit: ModelFit; asked: number }) {
  const estimate = fit.estimate;
  if (!estimate) {
    return <p className={errorText}>Could not estimate this file: {(fit.error ?? 'no reason given').replace(/\.$/, '')}.</p>;
  }
  const { text } = fitBadge(fit);
  const capped = estimate.contextSize < asked;
  return (
    <div className="space-y-2">
      <p>
        <span className="font-medium">{text}</span> for{' '}
        <span className="font-mono tabular-nums" data-testid="fit-context">
          {estimate.contextSize} tokens
        </span>{' '}
        of context{capped && <span className={mutedText}> (the model’s trained maximum; {asked} tokens were asked)</span>}.
      </p>
      <p data-testid="fit-reason">{estimate.reason}</p>
      <div className="flex flex-wrap items-start gap-x-8 gap-y-2">
        <table aria-label="Memory split" className="border-collapse font-mono tabular-nums">
          <thead>
            <tr className={mutedText}>
              <td />
              <th scope="col" className="px-2 text-right font-medium">
                RAM
              </th>
              <th scope="col" className="px-2 text-right font-medium">
                VRAM
              </th>
            </tr>
          </thead>
          <tbody>
            {splitRows(estimate).map((row) => (
              <tr key={row.name} className={cx(row.name === 'Total' && 'border-t border-zinc-200 font-medium dark:border-zinc-700')}>
                <th scope="row" className="pr-2 text-left font-sans font-normal">
                  {row.name}
                </th>
                <td className="px-2 text-right">{row.ram}</td>
                <td className="px-2 text-right">{row.vram}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5">
          <dt className={mutedText}>GPU layers</dt>
          <dd className="font-mono tabular-nums">
            {estimate.gpuLayers} of {estimate.totalLayers}
          </dd>
          <dt className={mutedText}>Headroom</dt>
          <dd className="font-mono tabular-nums">
            RAM {formatHeadroom(estimate.headroom.ramBytes)}
            {(estimate.vram.totalBytes > 0 || estimate.headroom.vramBytes !== 0) && <> · VRAM {formatHeadroom(estimate.headroom.vramBytes)}</>}
          </dd>
          <dt className={mutedText}>Safety margin</dt>
          <dd className="font-mono tabular-nums">{formatBytes(estimate.safetyMarginBytes)} kept free</dd>
          <dt className={mutedText}>Bits per weight</dt>
          <dd className="font-mono tabular-nums">{fit.bitsPerWeight > 0 ? `${fit.bitsPerWeight.toFixed(2)} bpw` : '–'}</dd>
        </dl>
      </div>
      {fit.recommended && fit.recommendation && (
        <p>
          <span className="font-medium text-accent-text">Recommended:</span> {fit.recommendation}
        </p>
      )}
    </div>
  );
}
