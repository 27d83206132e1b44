import { useEffect, useState } from 'react';
import { CopyIcon } from '../../shared/components/icons';
import { cx } from '../../shared/components/ui';
import { iconButton } from './chatUi';

/** Copies text to the clipboard and says so for a moment ("Copied", also to screen readers). */
export function CopyButton({ label, text, className }: { label: string; text: () => string; className?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(() => setState('idle'), 1500);
    return () => clearTimeout(timer);
  }, [state]);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text());
      setState('copied');
    } catch {
      setState('failed');
    }
  };
  return (
    <button type="button" aria-label={label} title={label} className={cx(iconButton, className)} onClick={() => void copy()}>
      <CopyIcon />
      <span aria-live="polite" className="text-xs">
        {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed' : ''}
      </span>
    </button>
  );
}
