import type { DownloadStatus } from '../../../../shared/hubDto';
import { formatBytes } from '../../shared/lib/format';
import { cx, errorText, mutedText, secondaryButton } from '../../shared/components/ui';
import { selectLoaded, selectLoadingModelId, useInferenceStore } from '../inference/inference';
import { formatEta, formatSpeed } from './downloadFormat';
import { ACTIVE_STATES, percentOf } from './downloadsReducer';
import { useDownloadsStore } from './downloads';

/**
 * Pieces of one download shown both in the Downloads panel and in a repo's quant table: the
 * progress bar, the figures under it, and the buttons that fit its state. `label` names the
 * download in accessible names ("Pause Q4_K_M").
 */

const smallButton = cx(secondaryButton, 'px-2 py-0.5 text-xs');

/** A real progress bar: role, value and a text value for screen readers. */
export function DownloadProgressBar({ status, label }: { status: DownloadStatus; label: string }) {
  const percent = status.state === 'done' ? 100 : percentOf(status);
  return (
    <div
      role="progressbar"
      aria-label={`Downloading ${label}`}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent}
      aria-valuetext={`${percent} %, ${formatBytes(status.receivedBytes)} of ${formatBytes(status.totalBytes)}`}
      className="h-1.5 w-full overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800"
    >
      <div
        className={cx('h-full rounded-full transition-[width] duration-200', status.state === 'paused' ? 'bg-zinc-400 dark:bg-zinc-500' : 'bg-accent')}
        style={{ width: `${percent}%` }}
      />
    </div>
  );
}

const STATE_TEXT: Record<DownloadStatus['state'], string> = {
  queued: 'Waiting',
  downloading: 'Downloading',
  paused: 'Paused',
  verifying: 'Verifying',
  done: 'Downloaded',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

/** "12.3 MB of 27.4 MB · 45 % · 2.1 MB/s · 13 s left", or what the state means when not moving. */
export function DownloadFigures({ status }: { status: DownloadStatus }) {
  const sizes = `${formatBytes(status.receivedBytes)} of ${formatBytes(status.totalBytes)}`;
  let text: string;
  if (status.state === 'downloading') {
    text = `${sizes} · ${percentOf(status)} % · ${formatSpeed(status.bytesPerSecond)} · ${formatEta(status.etaSeconds)} left`;
  } else if (status.state === 'done') {
    text = `${STATE_TEXT.done} · ${formatBytes(status.totalBytes)}`;
  } else if (status.state === 'verifying') {
    text = `Verifying sha256 · ${formatBytes(status.totalBytes)}`;
  } else {
    text = `${STATE_TEXT[status.state]} · ${sizes} (${percentOf(status)} %)`;
  }
  return (
    <p className={cx('font-mono text-xs tabular-nums', mutedText)} data-testid="download-figures">
      {text}
    </p>
  );
}

/** Pause / Resume / Cancel / Retry / Dismiss as the state allows, and the error of the last click. */
export function DownloadControls({ status, label, dismissable = true }: { status: DownloadStatus; label: string; dismissable?: boolean }) {
  const pause = useDownloadsStore((s) => s.pause);
  const resume = useDownloadsStore((s) => s.resume);
  const cancel = useDownloadsStore((s) => s.cancel);
  const dismiss = useDownloadsStore((s) => s.dismiss);
  const actionError = useDownloadsStore((s) => s.actionErrors[status.id]);
  const { id, state } = status;
  const button = (text: string, onClick: () => void) => (
    <button key={text} type="button" className={smallButton} aria-label={`${text} ${label}`} onClick={onClick}>
      {text}
    </button>
  );
  const buttons = [];
  if (ACTIVE_STATES.has(state) && state !== 'verifying') buttons.push(button('Pause', () => void pause(id)));
  if (state === 'paused') buttons.push(button('Resume', () => void resume(id)));
  if (state === 'failed') buttons.push(button('Retry', () => void resume(id)));
  if (ACTIVE_STATES.has(state) || state === 'paused') buttons.push(button('Cancel', () => void cancel(id)));
  if (dismissable && (state === 'done' || state === 'failed' || state === 'cancelled')) buttons.push(button('Dismiss', () => void dismiss(id)));
  if (buttons.length === 0 && !actionError) return null;
  return (
    <div>
      <div className="flex flex-wrap gap-1.5">{buttons}</div>
      {actionError && (
        <p role="alert" className={cx('mt-1 text-xs', errorText)}>
          {actionError}
        </p>
      )}
    </div>
  );
}

/** For a failed download: what happened and what to do. */
export function DownloadError({ status }: { status: DownloadStatus }) {
  if (status.state !== 'failed') return null;
  return (
    <p role="alert" className={cx('text-xs', errorText)}>
      {status.error ?? 'The download failed.'}
    </p>
  );
}

/**
 * After "Download & load", or any finished download: Loaded, Loading…, the load error, or a
 * Load button for the finished model.
 */
export function DownloadLoadState({ status, label }: { status: DownloadStatus; label: string }) {
  const loaded = useInferenceStore(selectLoaded);
  const loadingId = useInferenceStore(selectLoadingModelId);
  const busy = useInferenceStore((s) => s.pending !== null || Boolean(s.state?.loading));
  const load = useInferenceStore((s) => s.load);
  if (status.state !== 'done' || !status.modelId) return null;
  if (loaded?.modelId === status.modelId) {
    return <span className="text-xs font-medium text-accent-text">● Loaded</span>;
  }
  if (loadingId === status.modelId) {
    return <span className={cx('text-xs', mutedText)}>Loading…</span>;
  }
  return (
    <div className="flex flex-wrap items-center gap-2">
      {status.loadError && <p className={cx('text-xs', errorText)}>{status.loadError}</p>}
      <button type="button" className={smallButton} aria-label={`Load ${label}`} disabled={busy} onClick={() => void load(status.modelId!)}>
        Load
      </button>
    </div>
  );
}
