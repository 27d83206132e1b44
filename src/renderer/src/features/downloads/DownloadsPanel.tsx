import { useEffect, useRef } from 'react';
import { useDownloadsStore } from './downloads';
import { DownloadItem } from './DownloadItem';
import { cx, errorText, link, mutedText, secondaryButton } from '../../shared/components/ui';

/**
 * The Downloads panel: a drawer over the right edge of every view, opened on demand from the
 * status bar's indicator. It overlays rather than takes a column, so it never squeezes the view
 * under it (the chat above all), and closes on a click outside or a change of view. Lists the
 * newest first; reads only the ids, so progress events re-render just the item that moved.
 * Escape closes it.
 */
export function DownloadsPanel() {
  const open = useDownloadsStore((s) => s.panelOpen);
  const ids = useDownloadsStore((s) => s.ids);
  const listError = useDownloadsStore((s) => s.listError);
  const setOpen = useDownloadsStore((s) => s.setPanelOpen);
  const ref = useRef<HTMLElement>(null);

  useEffect(() => {
    if (!open) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape' && ref.current?.contains(document.activeElement)) setOpen(false);
    };
    // A drawer over the view: going to another view or clicking outside it puts it away, so it
    // never sits over the message box or a view's buttons. (Its toggle handles its own clicks.)
    const onPointerDown = (event: PointerEvent) => {
      const target = event.target as Element | null;
      if (!target || ref.current?.contains(target) || target.closest('[aria-controls="downloads-panel"]')) return;
      setOpen(false);
    };
    const onRoute = () => setOpen(false);
    window.addEventListener('keydown', onKey);
    document.addEventListener('pointerdown', onPointerDown);
    window.addEventListener('hashchange', onRoute);
    return () => {
      window.removeEventListener('keydown', onKey);
      document.removeEventListener('pointerdown', onPointerDown);
      window.removeEventListener('hashchange', onRoute);
    };
  }, [open, setOpen]);

  if (!open) return null;
  return (
    <aside
      ref={ref}
      id="downloads-panel"
      aria-label="Downloads"
      className="absolute inset-y-0 right-0 z-40 flex w-80 max-w-full flex-col border-l border-zinc-200 bg-white shadow-xl dark:border-zinc-800 dark:bg-zinc-950"
    >
      <div className="flex items-center justify-between gap-2 border-b border-zinc-200 px-4 py-2.5 dark:border-zinc-800">
        <h2 className="font-semibold">Downloads</h2>
        <button type="button" className={cx(secondaryButton, 'px-2 py-0.5 text-xs')} aria-label="Close downloads" onClick={() => setOpen(false)}>
          Close
        </button>
      </div>
      {listError && (
        <p role="alert" className={cx('px-4 pt-3 text-xs', errorText)}>
          Could not list downloads: {listError}
        </p>
      )}
      {ids.length === 0 ? (
        <p className={cx('px-4 py-6', mutedText)}>
          No downloads yet.{' '}
          <a className={link} href="#/discover">
            Find a model in Discover
          </a>
          .
        </p>
      ) : (
        <ul aria-label="Download list" className="min-h-0 flex-1 overflow-y-auto">
          {[...ids].reverse().map((id) => (
            <DownloadItem key={id} id={id} />
          ))}
        </ul>
      )}
    </aside>
  );
}
