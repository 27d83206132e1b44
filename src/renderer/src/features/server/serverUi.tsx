import type { ReactNode } from 'react';
import { CopyIcon } from '../../shared/components/icons';
import { cx, secondaryButton } from '../../shared/components/ui';
import { useCopy } from '../../shared/lib/useCopy';

export const card = 'min-w-0 rounded-lg border border-zinc-200 p-4 dark:border-zinc-800';
export const input =
  'rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm dark:border-zinc-700 dark:bg-zinc-900 aria-invalid:border-red-600 dark:aria-invalid:border-red-400';
export const smallButton = cx(secondaryButton, 'px-2 py-1 text-xs');

/** A titled section of the Server view, named by its heading. */
export function Section({ title, children, className, actions }: { title: string; children: ReactNode; className?: string; actions?: ReactNode }) {
  const id = `server-${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  return (
    <section aria-labelledby={id} className={cx(card, className)}>
      <div className="mb-3 flex items-center justify-between gap-2">
        <h2 id={id} className="text-sm font-semibold">
          {title}
        </h2>
        {actions}
      </div>
      {children}
    </section>
  );
}

/** A button that copies text and says so for a moment ("Copied", also to screen readers). */
export function CopyTextButton({ label, text, children = 'Copy' }: { label: string; text: string; children?: ReactNode }) {
  const { state, copy } = useCopy();
  return (
    <button type="button" aria-label={label} title={label} className={smallButton} onClick={() => void copy(text)}>
      <CopyIcon className="size-3.5 shrink-0" />
      <span aria-live="polite">{state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed' : children}</span>
    </button>
  );
}

/** An on/off switch with its own accessible name. */
export function Switch({ label, checked, busy, onChange }: { label: string; checked: boolean; busy: boolean; onChange: (on: boolean) => void }) {
  return (
    <button
      type="button"
      role="switch"
      aria-checked={checked}
      aria-label={label}
      aria-busy={busy}
      disabled={busy}
      onClick={() => onChange(!checked)}
      className={cx(
        'relative inline-flex h-6 w-11 shrink-0 items-center rounded-full transition-colors disabled:opacity-60',
        checked ? 'bg-accent' : 'bg-zinc-300 dark:bg-zinc-700',
      )}
    >
      <span aria-hidden="true" className={cx('inline-block size-5 rounded-full bg-white shadow transition-transform', checked ? 'translate-x-5.5' : 'translate-x-0.5')} />
    </button>
  );
}
