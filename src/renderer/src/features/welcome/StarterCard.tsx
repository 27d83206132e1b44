import type { StarterModel } from '../../../../shared/licenceDto';
import { formatBytes } from '../../shared/lib/format';
import { badge, cx, errorText, mutedText, secondaryButton } from '../../shared/components/ui';
import { fitBadge, fitTitle } from '../models/fits';
import { LicenceConfirm, LicenceWarning, useLicenceGate } from '../discover/LicenceNotice';

const LICENCE_CLASSES = {
  permissive: 'bg-emerald-50 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300',
  restrictive: 'bg-amber-50 text-amber-800 dark:bg-amber-950 dark:text-amber-300',
  unknown: 'bg-zinc-100 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300',
} as const;

/**
 * One starter model: what it is good at, its size, how it fits this machine and its licence
 * (restrictive terms spelled out). Non-recommended starters have their own "Download & chat",
 * which asks "I understand" first for a licence that needs it.
 */
export function StarterCard({ starter, busy, onStart }: { starter: StarterModel; busy: boolean; onStart: () => void }) {
  const gate = useLicenceGate(starter.licence);
  const fit = starter.fit ? { ...starter.fit, modelId: starter.fit.name } : null;
  const fitShown = fit ? fitBadge(fit) : null;
  return (
    <li
      aria-label={starter.title}
      className={cx(
        'flex min-w-0 flex-col gap-2 rounded-lg border p-4',
        starter.recommended ? 'border-accent/60 bg-accent-soft/40' : 'border-zinc-200 dark:border-zinc-800',
      )}
    >
      <div className="flex min-w-0 flex-wrap items-center gap-2">
        <h3 className="min-w-0 truncate text-base font-semibold" title={starter.title}>
          {starter.title}
        </h3>
        {starter.recommended && <span className={cx(badge, 'bg-accent text-white')}>Recommended</span>}
      </div>
      <p className={cx('truncate font-mono text-xs', mutedText)} title={starter.repo}>
        {starter.repo} · {starter.quant}
      </p>
      <p>{starter.goodAt}</p>
      <div className="flex flex-wrap items-center gap-1.5 text-xs">
        <span className="font-mono tabular-nums" data-testid="starter-size">
          {formatBytes(starter.sizeBytes)}
        </span>
        {fit && fitShown && (
          <span className={cx(badge, 'ring-1 ring-inset', fitShown.classes)} title={fitTitle(fit)} data-testid="fit-badge">
            {fitShown.text}
          </span>
        )}
        <span className={cx(badge, LICENCE_CLASSES[starter.licence.kind])} title={starter.licence.summary} data-testid="licence-badge">
          {starter.licence.kind === 'permissive' ? `Permissive · ${starter.licence.name}` : `Licence: ${starter.licence.name}`}
        </span>
      </div>
      {starter.licence.kind === 'restrictive' && <LicenceWarning check={starter.licence} compact />}
      {starter.error && <p className={cx('text-xs', errorText)}>{starter.error}</p>}
      {!starter.recommended && starter.file && (
        <div className="mt-auto pt-1">
          {gate.pending ? (
            <LicenceConfirm check={starter.licence} onConfirm={() => void gate.confirm()} onCancel={gate.cancel} />
          ) : (
            <button
              type="button"
              className={cx(secondaryButton, 'px-2 py-1 text-xs')}
              aria-label={`Download & chat with ${starter.title}`}
              disabled={busy}
              onClick={() => gate.run(onStart)}
            >
              Download &amp; chat
            </button>
          )}
        </div>
      )}
    </li>
  );
}
