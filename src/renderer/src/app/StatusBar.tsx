import { useAppInfoStore } from './appInfo';
import { useConnectionStore } from './connection';
import { selectEngineError, selectEngineState, selectLoaded, selectLoadingModelId, useInferenceStore } from '../features/inference/inference';
import { DownloadsButton } from '../features/downloads/DownloadsButton';
import { modelDisplayName, selectModelById, useModelsStore } from '../features/models/models';
import { ServerStatusLink } from '../features/server/ServerStatusLink';
import { cx, errorText } from '../shared/components/ui';

/** Bottom bar, always visible: engine state, loaded model, threads, replies running / waiting, and the connection when lost. */
export function StatusBar() {
  const engine = useInferenceStore(selectEngineState);
  const engineError = useInferenceStore(selectEngineError);
  const loaded = useInferenceStore(selectLoaded);
  const loadingId = useInferenceStore(selectLoadingModelId);
  const loadingModel = useModelsStore(selectModelById(loadingId ?? undefined));
  const defaultThreads = useAppInfoStore((s) => s.info?.threads);
  const running = useInferenceStore((s) => s.state?.activeRequests.length ?? 0);
  const waiting = useInferenceStore((s) => s.state?.queuedRequests ?? 0);
  const connection = useConnectionStore((s) => s.state);
  const everConnected = useConnectionStore((s) => s.everOpen);

  const threads = loaded?.settings.threads ?? defaultThreads;
  let model = 'no model loaded';
  if (loaded) model = loaded.name;
  else if (loadingId) model = `loading ${loadingModel ? modelDisplayName(loadingModel) : loadingId}…`;

  return (
    <footer
      role="status"
      aria-label="Status bar"
      className="flex h-7 min-w-0 shrink-0 items-center gap-2 overflow-hidden border-t border-zinc-200 bg-zinc-50 px-3 font-mono text-xs whitespace-nowrap text-zinc-600 dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-400"
    >
      <span data-testid="status-engine" className={cx(engine === 'crashed' && errorText)} title={engineError}>
        engine: {engine ?? 'unknown'}
      </span>
      <Dot />
      <span data-testid="status-model" className="min-w-0 truncate" title={model}>
        {model}
      </span>
      <Dot />
      <span data-testid="status-threads" className="max-md:hidden">
        threads: {threads ?? '–'}
      </span>
      {loaded && (
        <>
          <Dot />
          <span
            data-testid="status-replies"
            className="shrink-0 whitespace-nowrap"
            title={`Replies being written now, of the ${loaded.settings.parallel} this model can write at once; more wait in line.`}
          >
            replies running: {running} of {loaded.settings.parallel}
            {waiting > 0 && ` · ${waiting} waiting`}
          </span>
        </>
      )}
      <Dot />
      <ServerStatusLink />
      {connection !== 'open' && (
        <>
          <Dot />
          <span data-testid="status-connection" className={errorText}>
            {everConnected ? 'connection lost, reconnecting…' : 'connecting…'}
          </span>
        </>
      )}
      <DownloadsButton />
    </footer>
  );
}

function Dot() {
  return <span aria-hidden="true">·</span>;
}
