import { useEffect } from 'react';
import type { StarterModel } from '../../../../shared/licenceDto';
import { formatBytes } from '../../shared/lib/format';
import { cx, errorText, link, mutedText, primaryButton, secondaryButton } from '../../shared/components/ui';
import { openNewChat } from '../../app/openChat';
import { selectLoaded, selectLoadingModelId, useInferenceStore } from '../inference/inference';
import { selectDownloadForFile, useDownloadsStore } from '../downloads/downloads';
import { DownloadError, DownloadFigures, DownloadProgressBar } from '../downloads/DownloadParts';
import { LicenceConfirm, useLicenceGate } from '../discover/LicenceNotice';
import { StarterCard } from './StarterCard';
import { useWelcomeStore } from './welcome';

/**
 * `#/welcome`, the first run (an empty library): three starter models chosen for this machine and
 * one "Get started" that downloads the recommended one, loads it and opens a new chat with the
 * cursor in the message box. Search and import stay one click away.
 */
export function WelcomeView() {
  const list = useWelcomeStore((s) => s.list);
  const loading = useWelcomeStore((s) => s.loading);
  const error = useWelcomeStore((s) => s.error);
  const fetch = useWelcomeStore((s) => s.fetch);

  useEffect(() => {
    if (!useWelcomeStore.getState().list && !useWelcomeStore.getState().loading) void fetch();
  }, [fetch]);

  const recommended = list?.starters.find((s) => s.recommended);
  return (
    <div className="h-full overflow-y-auto p-6">
      <div className="mx-auto flex max-w-4xl flex-col gap-5">
        <header>
          <h1 className="text-xl font-semibold">Welcome to Hearth</h1>
          <p className={cx('mt-1', mutedText)}>Run a language model on this computer: your chats stay here. Start with one of these.</p>
        </header>
        {recommended ? (
          <GetStarted starter={recommended} />
        ) : (
          loading && <p className={mutedText}>Finding starter models for this machine…</p>
        )}
        {error && (
          <div role="alert" className={cx('text-sm', errorText)}>
            Could not list the starter models: {error}{' '}
            <button type="button" className={cx(secondaryButton, 'ml-2 px-2 py-0.5 text-xs')} onClick={() => void fetch()}>
              Try again
            </button>
          </div>
        )}
        {list && !recommended && !loading && (
          <p role="alert" className={errorText}>
            None of the starter models could be reached. Check the connection (or HF_ENDPOINT), or import a file you already have.
          </p>
        )}
        {list && <StarterList starters={list.starters} tier={list.tier} />}
        <nav aria-label="Other ways to start" className="flex flex-wrap gap-x-6 gap-y-2">
          <a href="#/discover" className={link}>
            Search Hugging Face for another model
          </a>
          <a href="#/models" className={link}>
            Import a GGUF file you already have
          </a>
        </nav>
      </div>
    </div>
  );
}

function StarterList({ starters, tier }: { starters: StarterModel[]; tier: string }) {
  const started = useWelcomeStore((s) => s.started);
  const start = useWelcomeStore((s) => s.start);
  return (
    <section aria-labelledby="starters-heading" className="flex flex-col gap-2">
      <h2 id="starters-heading" className="text-base font-semibold">
        Starter models <span className={cx('text-xs font-normal', mutedText)}>{tier}</span>
      </h2>
      <ul aria-label="Starter models" className="grid gap-3 md:grid-cols-3">
        {starters.map((starter) => (
          <StarterCard key={starter.repo} starter={starter} busy={started !== null} onStart={() => void start(starter)} />
        ))}
      </ul>
    </section>
  );
}

/** The one button, then the download, the load and the jump to a new chat, all in place. */
function GetStarted({ starter }: { starter: StarterModel }) {
  const started = useWelcomeStore((s) => s.started);
  const start = useWelcomeStore((s) => s.start);
  const gate = useLicenceGate(starter.licence);
  const startError = useDownloadsStore((s) => (starter.file ? s.startErrors[`${starter.repo}\u0000${starter.file}`] : undefined));
  return (
    <section aria-label="Get started" className="rounded-lg border border-zinc-200 p-4 dark:border-zinc-800">
      {started ? (
        <Progress repo={started.repo} file={started.file} />
      ) : gate.pending ? (
        <LicenceConfirm check={starter.licence} onConfirm={() => void gate.confirm()} onCancel={gate.cancel} />
      ) : (
        <div className="flex flex-wrap items-center gap-3">
          <button type="button" className={cx(primaryButton, 'px-5 py-2 text-base')} autoFocus onClick={() => gate.run(() => void start(starter))}>
            Get started
          </button>
          <p className="min-w-0 flex-1 basis-64">
            Downloads <strong>{starter.title}</strong> ({formatBytes(starter.sizeBytes)}), loads it and opens a chat.
          </p>
        </div>
      )}
      {startError && (
        <p role="alert" className={cx('mt-2 text-xs', errorText)}>
          Could not start the download: {startError}
        </p>
      )}
    </section>
  );
}

/** Download progress, then "Loading…", then a new chat once core has loaded the model. */
function Progress({ repo, file }: { repo: string; file: string }) {
  const status = useDownloadsStore(selectDownloadForFile(repo, file));
  const loaded = useInferenceStore(selectLoaded);
  const loadingId = useInferenceStore(selectLoadingModelId);
  const modelId = status?.modelId;
  const ready = modelId !== undefined && loaded?.modelId === modelId;

  useEffect(() => {
    if (ready) openNewChat();
  }, [ready]);

  if (!status) return <p className={mutedText}>Starting the download…</p>;
  let step = 'Downloading';
  if (status.state === 'verifying') step = 'Checking the file';
  else if (status.state === 'done') step = status.loadError ? 'Downloaded' : loadingId === modelId ? 'Loading the model' : 'Opening a chat';
  return (
    <div className="flex flex-col gap-1.5" aria-live="polite">
      <p className="font-medium">
        {step} {file}…
      </p>
      {status.state !== 'done' && status.state !== 'failed' && <DownloadProgressBar status={status} label={file} />}
      <DownloadFigures status={status} />
      <DownloadError status={status} />
      {status.loadError && (
        <p role="alert" className={cx('text-xs', errorText)}>
          {status.loadError}{' '}
          <a href="#/models" className={link}>
            Open My Models
          </a>
        </p>
      )}
    </div>
  );
}
