import { selectSummary, useDownloadsStore } from './downloads';
import { cx } from '../../shared/components/ui';

/** Status-bar entry: "Downloads · 1 downloading · 45 %"; opens and closes the Downloads panel. */
export function DownloadsButton() {
  const summary = useDownloadsStore(selectSummary);
  const open = useDownloadsStore((s) => s.panelOpen);
  const setOpen = useDownloadsStore((s) => s.setPanelOpen);
  return (
    <button
      type="button"
      aria-expanded={open}
      aria-controls="downloads-panel"
      onClick={() => setOpen(!open)}
      className={cx(
        'ml-auto shrink-0 rounded px-1.5 py-0.5 hover:bg-zinc-200 dark:hover:bg-zinc-800',
        open && 'bg-zinc-200 dark:bg-zinc-800',
        summary !== '' && 'text-accent-text',
      )}
      data-testid="status-downloads"
    >
      Downloads{summary && ` · ${summary}`}
    </button>
  );
}
