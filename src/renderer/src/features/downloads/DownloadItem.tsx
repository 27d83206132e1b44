import { useDownloadsStore, selectDownload } from './downloads';
import { DownloadControls, DownloadError, DownloadFigures, DownloadLoadState, DownloadProgressBar } from './DownloadParts';
import { mutedText } from '../../shared/components/ui';

/** One download in the panel; reads only its own entry, so progress of others does not re-render it. */
export function DownloadItem({ id }: { id: string }) {
  const status = useDownloadsStore(selectDownload(id));
  if (!status) return null;
  const label = status.name;
  return (
    <li aria-label={label} className="space-y-1.5 border-b border-zinc-200 px-4 py-3 last:border-0 dark:border-zinc-800">
      <div>
        <div className="truncate font-medium" title={status.name}>
          {status.name}
        </div>
        <div className={`truncate font-mono text-xs ${mutedText}`} title={status.repo}>
          {status.repo}
          {status.quant && ` · ${status.quant}`}
          {status.loadWhenDone && ' · load when done'}
        </div>
      </div>
      {status.state !== 'done' && status.state !== 'cancelled' && status.state !== 'failed' && <DownloadProgressBar status={status} label={label} />}
      <DownloadFigures status={status} />
      <DownloadError status={status} />
      <div className="flex flex-wrap items-start justify-between gap-2">
        <DownloadLoadState status={status} label={label} />
        <DownloadControls status={status} label={label} />
      </div>
    </li>
  );
}
