import { useEffect, useMemo } from 'react';
import type { HubRepoDetail } from '../../../../shared/hubDto';
import { cx, errorText, link, mutedText, secondaryButton } from '../../shared/components/ui';
import { ContextLengthControl } from '../models/FitContextControl';
import { GatedBadge, LicenceBadge } from './LicenceBadge';
import { LicenceWarning, useLicenceCheck } from './LicenceNotice';
import { QuantRow } from './QuantRow';
import { fileLabels, useRepoStore } from './repo';
import { PreferencePicker } from './PreferencePicker';
import { recommendedFirst } from './tradeoff';

/**
 * `#/discover/<owner>/<repo>`: a repo's header (licence, gate), then its quant table. The table
 * shows as soon as the listing arrives; fit labels fill in when the remote headers are read.
 */
export function RepoPage({ reference }: { reference: string }) {
  const current = useRepoStore((s) => s.reference);
  const detail = useRepoStore((s) => s.detail);
  const loading = useRepoStore((s) => s.loading);
  const error = useRepoStore((s) => s.error);
  const open = useRepoStore((s) => s.open);

  useEffect(() => {
    if (useRepoStore.getState().reference !== reference) void open(reference);
  }, [reference, open]);

  return (
    <div className="h-full overflow-y-auto p-6">
      <a href="#/discover" className={cx(link, 'text-xs')}>
        ← Back to search
      </a>
      {(loading || current !== reference) && <p className={cx('mt-4', mutedText)}>Opening {reference}…</p>}
      {error && current === reference && (
        <div role="alert" className="mt-4 max-w-2xl rounded-md border border-red-200 p-3 dark:border-red-900">
          <p className={errorText}>
            Could not open {reference}: {error}
          </p>
          <button type="button" className={cx(secondaryButton, 'mt-2 px-2 py-0.5 text-xs')} onClick={() => void open(reference)}>
            Try again
          </button>
        </div>
      )}
      {detail && current === reference && <RepoDetail detail={detail} />}
    </div>
  );
}

function RepoDetail({ detail }: { detail: HubRepoDetail }) {
  const { repo } = detail;
  const labels = useMemo(() => fileLabels(repo.files), [repo.files]);
  const fits = useRepoStore((s) => s.fits);
  // Recommended first: it is the row with the primary button.
  const ordered = useMemo(() => recommendedFirst(repo.files, fits), [repo.files, fits]);
  const licence = useLicenceCheck({ ...(repo.license ? { licence: repo.license } : {}), ...(repo.licenseName ? { licenceName: repo.licenseName } : {}) });
  return (
    <>
      <h1 className="mt-2 text-lg font-semibold break-words">{repo.id}</h1>
      <div className="mt-1 flex flex-wrap items-center gap-2">
        <LicenceBadge licence={repo.licenseName && repo.license === 'other' ? repo.licenseName : repo.license} explain={licence?.kind !== 'restrictive'} />
        <GatedBadge gated={repo.gated} />
      </div>
      {licence && licence.kind === 'restrictive' && (
        <div className="mt-3 max-w-2xl">
          <LicenceWarning check={licence} />
        </div>
      )}
      {repo.gated !== false && (
        <p role="note" className="mt-3 max-w-2xl rounded-md bg-amber-50 px-3 py-2 text-amber-900 dark:bg-amber-950 dark:text-amber-200">
          This repo is gated: accept the terms on huggingface.co and set HF_TOKEN before starting Hearth, then download.
        </p>
      )}
      {detail.selectionError && (
        <p role="alert" className={cx('mt-3', errorText)}>
          {detail.selectionError}
        </p>
      )}
      {repo.files.length === 0 ? (
        <p className={cx('mt-4', mutedText)}>This repo has no GGUF models. Look for a repo whose name ends in “-GGUF”.</p>
      ) : (
        <>
          <RepoFitControl />
          <PreferencePicker onChanged={() => void useRepoStore.getState().refreshFits()} />
          <table aria-label={`Models of ${repo.id}`} className="mt-3 w-full border-collapse text-sm">
            <thead>
              <tr className={cx('border-b border-zinc-200 text-left text-xs tracking-wide uppercase dark:border-zinc-800', mutedText)}>
                <th scope="col" className="px-2 py-2 font-medium lg:px-3">Quant</th>
                <th scope="col" className="px-2 py-2 text-right font-medium lg:px-3">Size</th>
                <th scope="col" className="px-2 py-2 text-right font-medium max-lg:hidden lg:px-3">Bits/weight</th>
                <th scope="col" className="px-2 py-2 font-medium lg:px-3">Fit</th>
                <th scope="col" className="px-2 py-2 text-right font-medium lg:px-3">Speed here</th>
                <th scope="col" className="px-2 py-2 text-right font-medium lg:px-3">Quality loss</th>
                <th scope="col" className="px-2 py-2 font-medium lg:px-3">Download</th>
              </tr>
            </thead>
            <tbody>
              {ordered.map((file) => (
                <QuantRow
                  key={file.name}
                  repo={repo}
                  file={file}
                  label={labels.get(file.name) ?? file.name}
                  selected={detail.selected === file.name}
                  licence={licence}
                />
              ))}
            </tbody>
          </table>
        </>
      )}
    </>
  );
}

/** The context length the fit labels are for, like My Models' control; a failed estimate says so with Retry. */
function RepoFitControl() {
  const contextSize = useRepoStore((s) => s.contextSize);
  const fitsLoading = useRepoStore((s) => s.fitsLoading);
  const fitsError = useRepoStore((s) => s.fitsError);
  const setContextSize = useRepoStore((s) => s.setContextSize);
  const refreshFits = useRepoStore((s) => s.refreshFits);
  return (
    <ContextLengthControl
      contextSize={contextSize}
      onChange={(tokens) => void setContextSize(tokens)}
      status={fitsLoading ? 'Reading the file headers to estimate fits…' : 'Fit labels are for this context on this machine, before downloading.'}
      error={fitsError ? `Could not estimate how these models fit this machine: ${fitsError.replace(/\.$/, '')}.` : null}
      onRetry={() => void refreshFits()}
    />
  );
}
