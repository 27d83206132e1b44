import { cx, mutedText } from '../../shared/components/ui';
import { useModelsStore } from '../models/models';
import { curlExample, ENDPOINTS, serverOrigin } from './endpoints';
import { exampleKey, useServerStore } from './server';
import { validateForm } from './serverSettings';
import { CopyTextButton, Section } from './serverUi';

/** Every route with a curl example that works as pasted: the real address, the key when this page knows it, a library model. */
export function EndpointList() {
  const status = useServerStore((s) => s.status);
  const knownKey = useServerStore((s) => s.knownKey);
  const draft = useServerStore((s) => s.draft);
  const model = useModelsStore((s) => s.models.find((m) => m.status === 'ok')?.id);

  // While off, the address it will have (the port as typed, else the default).
  const checked = draft ? validateForm(draft) : null;
  const port = checked?.ok ? checked.args.port : (status?.settings?.port ?? 1234);
  const baseUrl = status?.running && status.baseUrl ? status.baseUrl : `http://127.0.0.1:${port}/v1`;
  const origin = serverOrigin(baseUrl);
  const apiKey = exampleKey({ status, knownKey });

  return (
    <Section title="Endpoints">
      <p className={cx('mb-3 text-xs', mutedText)}>
        {status?.running ? 'Examples use the running server' : 'Examples use the address it will have once started'}
        {apiKey === '$HEARTH_API_KEY' ? '; set HEARTH_API_KEY to your key first.' : '.'}
        {!model && ' Replace MODEL_ID with a model id from GET /v1/models.'}
      </p>
      <ul aria-label="Endpoints" className="flex flex-col divide-y divide-zinc-100 dark:divide-zinc-800">
        {ENDPOINTS.map((endpoint) => {
          const name = `${endpoint.method} ${endpoint.path}`;
          const example = curlExample(endpoint, { origin, apiKey, model });
          return (
            <li key={name} className="py-2 first:pt-0 last:pb-0">
              <div className="flex items-center gap-2">
                <span className="w-11 shrink-0 font-mono text-xs font-semibold text-accent-text">{endpoint.method}</span>
                <code className="font-mono text-xs">{endpoint.path}</code>
                <span className={cx('min-w-0 flex-1 truncate text-xs', mutedText)}>{endpoint.summary}</span>
                <CopyTextButton label={`Copy curl example for ${name}`} text={example}>
                  curl
                </CopyTextButton>
              </div>
              <details className="mt-1">
                <summary className={cx('cursor-pointer text-xs', mutedText)}>Example</summary>
                <pre className="mt-1 overflow-x-auto rounded bg-zinc-100 p-2 font-mono text-xs dark:bg-zinc-900">{example}</pre>
              </details>
            </li>
          );
        })}
      </ul>
    </Section>
  );
}
