import type { HubGated } from '../../../../shared/hubDto';
import { badge, cx, mutedText } from '../../shared/components/ui';
import { classifyLicence } from './licence';

const KIND_CLASSES = {
  permissive: 'bg-emerald-50 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300',
  restrictive: 'bg-amber-50 text-amber-800 dark:bg-amber-950 dark:text-amber-300',
  unknown: 'bg-zinc-100 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300',
} as const;

/** The licence id as a badge ("Permissive" added for open ones); the explanation on hover or beside it. */
export function LicenceBadge({ licence, explain = false }: { licence: string | undefined; explain?: boolean }) {
  const info = classifyLicence(licence);
  return (
    <span className="inline-flex flex-wrap items-center gap-1.5">
      <span className={cx(badge, KIND_CLASSES[info.kind])} title={info.explanation} data-testid="licence-badge">
        {info.kind === 'permissive' ? `Permissive · ${info.label}` : `Licence: ${info.label}`}
      </span>
      {explain && info.kind !== 'permissive' && <span className={cx('text-xs', mutedText)}>{info.explanation}</span>}
    </span>
  );
}

/** "Gated" for repos whose terms must be accepted on huggingface.co first. */
export function GatedBadge({ gated }: { gated: HubGated }) {
  if (gated === false) return null;
  return (
    <span className={cx(badge, 'bg-red-50 text-red-800 dark:bg-red-950 dark:text-red-300')} title="Accept the terms on huggingface.co and set HF_TOKEN to download">
      Gated
    </span>
  );
}
