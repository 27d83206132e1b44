import { useEffect } from 'react';
import { cx, errorText, mutedText } from '../../shared/components/ui';
import { useServerStore } from './server';
import { ApiKeyField } from './ApiKeyField';
import { EndpointList } from './EndpointList';
import { RequestLogTable } from './RequestLogTable';
import { ServerSettingsForm } from './ServerSettingsForm';
import { CopyTextButton, Section, Switch } from './serverUi';

/** `#/server`: the local OpenAI-compatible API server — on/off, its settings, the endpoints with examples, the live request log. */
export function ServerView() {
  const fetchStatus = useServerStore((s) => s.fetchStatus);
  const fetchLog = useServerStore((s) => s.fetchLog);
  const statusError = useServerStore((s) => s.statusError);

  useEffect(() => {
    void fetchStatus();
    void fetchLog();
  }, [fetchStatus, fetchLog]);

  return (
    <div className="h-full overflow-y-auto p-6">
      <h1 className="text-lg font-semibold">Server</h1>
      <p className={cx('text-xs', mutedText)}>
        An OpenAI-compatible API (and Ollama&apos;s) so other apps can use your models. Models load on demand.
      </p>
      {statusError && (
        <p role="alert" className={cx('mt-3', errorText)}>
          Could not read the server&apos;s state: {statusError}
        </p>
      )}
      {/* minmax(0, 1fr) columns and min-w-0 items: a long curl line or log row scrolls inside its card, never the page. */}
      <div className="mt-4 grid max-w-6xl grid-cols-1 gap-4 xl:grid-cols-2">
        <div className="flex min-w-0 flex-col gap-4">
          <PowerCard />
          <Section title="Settings">
            <ServerSettingsForm />
            <ApiKeyField />
          </Section>
        </div>
        <EndpointList />
        <RequestLogTable className="xl:col-span-2" />
      </div>
    </div>
  );
}

function PowerCard() {
  const status = useServerStore((s) => s.status);
  const busy = useServerStore((s) => s.busy);
  const actionError = useServerStore((s) => s.actionError);
  const start = useServerStore((s) => s.start);
  const stop = useServerStore((s) => s.stop);
  const running = status?.running ?? false;

  let state = 'Off: other apps cannot reach Hearth.';
  if (busy === 'starting') state = 'Starting…';
  else if (busy === 'stopping') state = 'Stopping…';
  else if (running) state = 'Running';

  return (
    <Section title="API server">
      <div className="flex items-center gap-3">
        <Switch label="API server" checked={running} busy={busy !== null || status === null} onChange={(on) => void (on ? start() : stop())} />
        <span className="font-medium">{state}</span>
      </div>
      {running && status?.baseUrl && (
        <div className="mt-3 flex flex-wrap items-center gap-2">
          <span className={cx('text-xs', mutedText)}>Base URL</span>
          <code data-testid="server-base-url" className="min-w-0 rounded bg-zinc-100 px-1.5 py-0.5 font-mono text-sm break-all dark:bg-zinc-800">
            {status.baseUrl}
          </code>
          <CopyTextButton label="Copy base URL" text={status.baseUrl} />
          <span className={cx('w-full text-xs', mutedText)}>
            Point any OpenAI client&apos;s base URL here
            {status.apiKeySet ? ', with the API key.' : '.'} Ollama clients use the same address without /v1.
          </span>
        </div>
      )}
      {running && status?.warning && <p className="mt-3 text-xs text-amber-800 dark:text-amber-300">{status.warning}</p>}
      {actionError && (
        <p role="alert" className={cx('mt-3', errorText)}>
          {actionError}
        </p>
      )}
    </Section>
  );
}
