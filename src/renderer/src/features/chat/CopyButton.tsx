import { CopyIcon } from '../../shared/components/icons';
import { cx } from '../../shared/components/ui';
import { useCopy } from '../../shared/lib/useCopy';
import { iconButton } from './chatUi';

/** Copies text to the clipboard and says so for a moment ("Copied", also to screen readers). */
export function CopyButton({ label, text, className }: { label: string; text: () => string; className?: string }) {
  const { state, copy } = useCopy();
  return (
    <button type="button" aria-label={label} title={label} className={cx(iconButton, className)} onClick={() => void copy(text())}>
      <CopyIcon />
      <span aria-live="polite" className="text-xs">
        {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed' : ''}
      </span>
    </button>
  );
}
