import { useEffect, useState } from 'react';
import type { LicenceCheck, LicenceCheckArgs } from '../../../../shared/licenceDto';
import { cx, link, mutedText, primaryButton, secondaryButton } from '../../shared/components/ui';
import { licenceKey, needsConfirmation, useLicenceStore } from './licenceCheck';

/** Asks core about a licence once per distinct set of sources; returns the answer when it is in. */
export function useLicenceCheck(args: LicenceCheckArgs): LicenceCheck | undefined {
  const key = licenceKey(args);
  const check = useLicenceStore((s) => s.checks[key]);
  useEffect(() => {
    if (!useLicenceStore.getState().checks[key]) void useLicenceStore.getState().check(args);
    // `key` stands for `args`.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return check;
}

/**
 * A restrictive licence's warning: its name, one sentence per notable term with a link to the
 * text, and the full licence. `compact` lists the terms in a disclosure (the first-run list).
 */
export function LicenceWarning({ check, compact = false }: { check: LicenceCheck; compact?: boolean }) {
  if (check.kind !== 'restrictive') return null;
  const terms = (
    <ul className="mt-1 list-disc space-y-0.5 pl-5">
      {check.terms.map((term) => (
        <li key={term.text}>
          {term.text}{' '}
          <a href={term.url} target="_blank" rel="noreferrer noopener" className={cx(link, 'whitespace-nowrap')}>
            Source
          </a>
        </li>
      ))}
    </ul>
  );
  return (
    <div
      role="note"
      aria-label={`Licence terms: ${check.name}`}
      className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-xs text-amber-950 dark:border-amber-700/60 dark:bg-amber-950/40 dark:text-amber-100"
    >
      <p className="font-medium">
        <span aria-hidden="true">⚠ </span>
        {check.name}: read before you use it.{' '}
        {check.url && (
          <a href={check.url} target="_blank" rel="noreferrer noopener" className={link}>
            Full text
          </a>
        )}
      </p>
      {compact ? (
        <details className="mt-0.5">
          <summary className="cursor-pointer">{check.summary}</summary>
          {terms}
        </details>
      ) : (
        terms
      )}
    </div>
  );
}

/**
 * Wraps a download action: when the licence needs an "I understand" that was not given yet, the
 * first click shows the terms with "I understand" / Cancel; confirming records it in core and
 * runs the action. Otherwise the action runs at once.
 */
export function useLicenceGate(check: LicenceCheck | undefined) {
  const accepted = useLicenceStore((s) => s.accepted);
  const [pending, setPending] = useState<(() => void) | null>(null);
  const gated = needsConfirmation(check, accepted);
  return {
    gated,
    pending: pending !== null,
    run(action: () => void) {
      if (gated) setPending(() => action);
      else action();
    },
    async confirm() {
      if (!check?.family) return;
      const action = pending;
      if (await useLicenceStore.getState().accept(check.family)) {
        setPending(null);
        action?.();
      }
    },
    cancel: () => setPending(null),
  };
}

/** The "I understand" step shown in place of the download buttons. */
export function LicenceConfirm({ check, onConfirm, onCancel }: { check: LicenceCheck; onConfirm: () => void; onCancel: () => void }) {
  return (
    <div role="alertdialog" aria-label={`Accept the ${check.name}?`} className="space-y-1.5 text-xs">
      <p>
        This model is under the <strong>{check.name}</strong>. {check.summary}
      </p>
      <div className="flex flex-wrap gap-1.5">
        <button type="button" className={cx(primaryButton, 'px-2 py-1 text-xs')} onClick={onConfirm}>
          I understand
        </button>
        <button type="button" className={cx(secondaryButton, 'px-2 py-1 text-xs')} autoFocus onClick={onCancel}>
          Cancel
        </button>
      </div>
      <p className={mutedText}>Asked once per licence; Hearth remembers your answer.</p>
    </div>
  );
}
