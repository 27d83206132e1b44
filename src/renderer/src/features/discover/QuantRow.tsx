import type { HubGgufFile, HubRepo, RemoteFileFit } from '../../../../shared/hubDto';
import { formatBytes } from '../../shared/lib/format';
import { badge, cx, errorText, mutedText, primaryButton, secondaryButton } from '../../shared/components/ui';
import { selectLoaded, selectLoadingModelId, useInferenceStore } from '../inference/inference';
import { fitBadge, fitTitle } from '../models/fits';
import { selectModelById, useModelsStore } from '../models/models';
import { fileKey, selectDownloadForFile, useDownloadsStore } from '../downloads/downloads';
import { DownloadControls, DownloadError, DownloadFigures, DownloadProgressBar } from '../downloads/DownloadParts';
import type { LicenceCheck } from '../../../../shared/licenceDto';
import { LicenceConfirm, useLicenceGate } from './LicenceNotice';
import { useRepoStore } from './repo';
import { qualityCell, speedCell } from './tradeoff';

const numberCell = 'px-2 py-2 text-right font-mono text-xs tabular-nums whitespace-nowrap lg:px-3';
const textCell = 'px-2 py-2 lg:px-3';

/**
 * One model of a repo: quant, file, size, bits per weight, its fit here, and what can be done
 * with it: Download / Download & load, the running download, or Load once it is in the library.
 * `label` names it in button names ("Download Q4_K_M"); `selected` = the pasted reference named it.
 */
export function QuantRow({ repo, file, label, selected, licence }: { repo: HubRepo; file: HubGgufFile; label: string; selected: boolean; licence?: LicenceCheck | undefined }) {
  const fit = useRepoStore((s) => s.fits[file.name]);
  return (
    <tr
      aria-current={selected ? 'true' : undefined}
      className={cx('border-b border-zinc-100 align-top last:border-0 dark:border-zinc-800/70', selected && 'bg-accent-soft')}
    >
      <td className={textCell}>
        <div className="flex flex-wrap items-center gap-2">
          <span className="max-w-56 truncate font-mono text-sm font-semibold" title={file.quant ?? file.name}>
            {file.quant ?? file.name}
          </span>
          {selected && <span className={cx(badge, 'bg-accent text-white')}>Selected</span>}
        </div>
        <div className={cx('mt-0.5 max-w-56 truncate font-mono text-xs', mutedText)} title={file.name}>
          {file.name}
          {file.parts.length > 1 && ` · ${file.parts.length} parts`}
        </div>
        {file.projector && <div className={cx('text-xs', mutedText)}>Vision projector, used with a model of this repo</div>}
      </td>
      <td className={numberCell}>{formatBytes(file.size)}</td>
      <td className={cx(numberCell, 'max-lg:hidden')}>{fit && fit.bitsPerWeight > 0 ? fit.bitsPerWeight.toFixed(2) : '–'}</td>
      <td className={textCell}>{file.projector ? <span className={mutedText}>–</span> : <RemoteFit fit={fit} />}</td>
      <TradeoffCells fit={fit} projector={file.projector} />
      <td className={cx(textCell, 'w-56')}>{!file.projector && <QuantActions repo={repo} file={file} label={label} licence={licence} primary={fit?.recommended === true} />}</td>
    </tr>
  );
}

/** The fit label of a remote file (LM Studio's words, reason on hover), Recommended with its reason. */
function RemoteFit({ fit }: { fit: RemoteFileFit | undefined }) {
  const loading = useRepoStore((s) => s.fitsLoading);
  if (!fit) return <span className={cx('text-xs', mutedText)}>{loading ? 'Estimating…' : '–'}</span>;
  const asModelFit = { ...fit, modelId: fit.name };
  const { text, classes } = fitBadge(asModelFit);
  return (
    <div>
      <div className="flex flex-wrap items-center gap-1.5">
        <span className={cx(badge, 'whitespace-nowrap ring-1 ring-inset', classes)} title={fitTitle(asModelFit)} data-testid="fit-badge">
          {text}
        </span>
        {fit.recommended && <span className={cx(badge, 'bg-accent-soft text-accent-text')}>Recommended</span>}
      </div>
      {fit.recommended && fit.recommendation && <p className={cx('mt-1 text-xs', mutedText)}>{fit.recommendation}</p>}
      {!fit.estimate && fit.error && <p className={cx('mt-1 text-xs', mutedText)}>{fit.error}</p>}
    </div>
  );
}

/** Predicted speed here and quality loss vs F16, with what each rests on as a tooltip. */
function TradeoffCells({ fit, projector }: { fit: RemoteFileFit | undefined; projector: boolean }) {
  if (projector) {
    return (
      <>
        <td className={numberCell}>–</td>
        <td className={numberCell}>–</td>
      </>
    );
  }
  const speed = speedCell(fit?.tradeoff, fit?.estimate?.label === 'too-large');
  const quality = qualityCell(fit?.tradeoff);
  return (
    <>
      <td className={numberCell} title={speed.title} data-testid="predicted-speed">
        {speed.text}
      </td>
      <td className={numberCell} title={quality.title} data-testid="quality-loss">
        {quality.text}
      </td>
    </>
  );
}

/** `primary`: the Recommended row, the only one whose main action is the primary button. */
function QuantActions({ repo, file, label, licence, primary }: { repo: HubRepo; file: HubGgufFile; label: string; licence: LicenceCheck | undefined; primary: boolean }) {
  const status = useDownloadsStore(selectDownloadForFile(repo.id, file.name));
  const modelId = status?.modelId ?? `${repo.id}/${file.name}`;
  const local = useModelsStore(selectModelById(modelId));
  const startError = useDownloadsStore((s) => s.startErrors[fileKey(repo.id, file.name)]);
  const starting = useDownloadsStore((s) => Boolean(s.starting[fileKey(repo.id, file.name)]));
  const start = useDownloadsStore((s) => s.start);
  const gate = useLicenceGate(licence);

  if (status && status.state !== 'done') {
    return (
      <div className="space-y-1">
        {status.state !== 'failed' && <DownloadProgressBar status={status} label={label} />}
        <DownloadFigures status={status} />
        <DownloadError status={status} />
        <DownloadControls status={status} label={label} />
      </div>
    );
  }
  if (status?.state === 'done' || local) {
    return <LocalModelAction modelId={modelId} label={label} loadError={status?.loadError} primary={primary} />;
  }
  const revision = repo.sha ? { revision: repo.sha } : {};
  if (gate.pending && licence) return <LicenceConfirm check={licence} onConfirm={() => void gate.confirm()} onCancel={gate.cancel} />;
  return (
    <div>
      <div className="flex flex-wrap gap-1.5">
        <button
          type="button"
          className={cx(secondaryButton, 'px-2 py-1 text-xs')}
          aria-label={`Download ${label}`}
          disabled={starting}
          onClick={() => gate.run(() => void start({ repo: repo.id, file: file.name, ...revision }))}
        >
          Download
        </button>
        <button
          type="button"
          className={cx(primary ? primaryButton : secondaryButton, 'px-2 py-1 text-xs')}
          aria-label={`Download & load ${label}`}
          disabled={starting}
          onClick={() => gate.run(() => void start({ repo: repo.id, file: file.name, ...revision, loadWhenDone: true }))}
        >
          Download &amp; load
        </button>
      </div>
      {startError && (
        <p role="alert" className={cx('mt-1 text-xs', errorText)}>
          Could not start the download: {startError}
        </p>
      )}
    </div>
  );
}

/** The file is in the library: "Downloaded — Load", or Loaded / Loading…. */
function LocalModelAction({ modelId, label, loadError, primary }: { modelId: string; label: string; loadError: string | undefined; primary: boolean }) {
  const loaded = useInferenceStore(selectLoaded);
  const loadingId = useInferenceStore(selectLoadingModelId);
  const busy = useInferenceStore((s) => s.pending !== null || Boolean(s.state?.loading));
  const load = useInferenceStore((s) => s.load);
  let control;
  if (loaded?.modelId === modelId) control = <span className={cx(badge, 'bg-accent-soft text-accent-text')}>● Loaded</span>;
  else if (loadingId === modelId) control = <span className={cx('text-xs', mutedText)}>Loading…</span>;
  else {
    control = (
      <button type="button" className={cx(primary ? primaryButton : secondaryButton, 'px-2 py-1 text-xs')} aria-label={`Load ${label}`} disabled={busy} onClick={() => void load(modelId)}>
        Load
      </button>
    );
  }
  return (
    <div>
      <div className="flex flex-wrap items-center gap-2">
        <span className="text-xs font-medium">Downloaded —</span>
        {control}
      </div>
      {loadError && <p className={cx('mt-1 text-xs', errorText)}>{loadError}</p>}
    </div>
  );
}
