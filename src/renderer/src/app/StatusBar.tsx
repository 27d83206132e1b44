import { useAppInfoStore } from './appInfo';
import { useConnectionStore } from './connection';
import type { ResidentModel } from '../../../shared/dto';
import { selectEngineError, selectEngineState, selectLoaded, selectLoadingModelId, selectResidentModels, useInferenceStore } from '../features/inference/inference';
import { residentMemoryBytes } from '../features/inference/memoryCheck';
import { formatBytes } from '../shared/lib/format';
import { DownloadsButton } from '../features/downloads/DownloadsButton';
import { modelDisplayName, selectModelById, useModelsStore } from '../features/models/models';
import { ServerStatusLink } from '../features/server/ServerStatusLink';
import { cx, errorText } from '../shared/components/ui';

/** Bottom bar, always visible: engine state, every resident model, threads, replies running / waiting, and the connection when lost. */
export function StatusBar() {
  const engine = useInferenceStore(selectEngineState);
  const engineError = useInferenceStore(selectEngineError);
  const loaded = useInferenceStore(selectLoaded);
  const resident = useInferenceStore(selectResidentModels);
  const loadingId = useInferenceStore(selectLoadingModelId);
  const loadingModel = useModelsStore(selectModelById(loadingId ?? undefined));
  const defaultThreads = useAppInfoStore((s) => s.info?.threads);
  const running = useInferenceStore((s) => s.state?.activeRequests.length ?? 0);
  const waiting = useInferenceStore((s) => s.state?.queuedRequests ?? 0);
  const connection = useConnectionStore((s) => s.state);
  const everConnected = useConnectionStore((s) => s.everOpen);

  const threads = loaded?.settings.threads ?? defaultThreads;
  const loading = loadingId ? `loading ${loadingModel ? modelDisplayName(loadingModel) : loadingId}…` : null;
  const { text: model, title: modelTitle } = describeResident(resident, loading);
  // Sequences of every resident model: with one model, what it can write at once.
  const capacity = resident.reduce((sum, m) => sum + m.settings.parallel, 0);

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
      <span data-testid="status-model" className="min-w-0 truncate" title={modelTitle}>
        {model}
      </span>
      <Dot />
      <span data-testid="status-threads" className="max-md:hidden">
        threads: {threads ?? '–'}
      </span>
      {resident.length > 0 && (
        <>
          <Dot />
          <span
            data-testid="status-replies"
            className="shrink-0 whitespace-nowrap"
            title={`Replies being written now, of the ${capacity} ${resident.length === 1 ? 'this model' : `these ${resident.length} models`} can write at once; more wait in line.`}
          >
            replies running: {running} of {capacity}
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

/**
 * Every resident model in one line ("no model loaded", its name, or "2 models: A, B"), and a title
 * with each one's memory and replies running.
 */
function describeResident(models: ResidentModel[], loading: string | null): { text: string; title: string } {
  let text = 'no model loaded';
  if (models.length === 1) text = models[0]!.name;
  else if (models.length > 1) text = `${models.length} models: ${models.map((m) => m.name).join(', ')}`;
  if (loading) text = models.length > 0 ? `${text} · ${loading}` : loading;
  const lines = models.map((m) => {
    const replies = `${m.activeRequests} ${m.activeRequests === 1 ? 'reply' : 'replies'} running${m.queuedRequests > 0 ? `, ${m.queuedRequests} waiting` : ''}`;
    return `${m.name}: ${formatBytes(residentMemoryBytes(m))} in memory, ${replies}${m.pinned ? '' : ' (loaded on demand)'}`;
  });
  return { text, title: lines.length > 0 ? [...lines, ...(loading ? [loading] : [])].join('\n') : text };
}

function Dot() {
  return <span aria-hidden="true">·</span>;
}
