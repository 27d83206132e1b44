import { useEffect, useState } from 'react';

/** What a copy button says for a moment after a click: nothing, "Copied" or "Copy failed". */
export type CopyState = 'idle' | 'copied' | 'failed';

/** How long "Copied" stays, in ms. */
const SHOWN_MS = 1500;

/** Copies text to the clipboard and keeps the outcome for {@link SHOWN_MS}, for a button to show. */
export function useCopy(): { state: CopyState; copy: (text: string) => Promise<void> } {
  const [state, setState] = useState<CopyState>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(() => setState('idle'), SHOWN_MS);
    return () => clearTimeout(timer);
  }, [state]);
  const copy = async (text: string) => {
    try {
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      setState('failed');
    }
  };
  return { state, copy };
}
