import { useEffect, useId, useState, type FormEvent } from 'react';
import type { ProviderInfo } from '../../../../shared/dto';
import { FormActions } from '../../shared/components/FormActions';
import { badge, cx, errorText, mutedText, secondaryButton } from '../../shared/components/ui';
import { input, Section } from '../server/serverUi';
import { useProvidersStore } from './providers';

/**
 * Settings → Providers: remote OpenAI-compatible servers (vLLM, llama-server, Ollama, another
 * Hearth). Their models appear as `<provider>/<model>` beside the local ones. A key typed here is
 * kept encrypted by the system's keychain (the desktop app) or in an owner-only key file
 * (`hearth serve`), never in settings.json, and is never shown again.
 */
export function ProvidersSection() {
  const providers = useProvidersStore((s) => s.providers);
  const loadError = useProvidersStore((s) => s.loadError);
  const refreshing = useProvidersStore((s) => s.pending['*'] === true);
  const fetch = useProvidersStore((s) => s.fetch);
  const refreshAll = useProvidersStore((s) => s.refreshAll);
  const [adding, setAdding] = useState(false);

  useEffect(() => {
    void fetch();
  }, [fetch]);

  return (
    <Section
      title="Providers"
      actions={
        <div className="flex gap-2">
          <button type="button" className={secondaryButton} onClick={() => setAdding(true)}>
            Add provider
          </button>
          <button type="button" className={secondaryButton} disabled={refreshing || !providers?.length} onClick={() => void refreshAll()}>
            {refreshing ? 'Refreshing…' : 'Refresh'}
          </button>
        </div>
      }
    >
      <p className={cx('text-xs', mutedText)}>
        Other machines that serve models with OpenAI&apos;s API: vLLM, llama-server, Ollama, LM Studio or another Hearth. Their models are named
        provider/model in chats, hearth run and Hearth&apos;s own API.
      </p>
      {loadError && (
        <p role="alert" className={cx('mt-2', errorText)}>
          Could not read the providers: {loadError}
        </p>
      )}
      {adding && <ProviderForm onDone={() => setAdding(false)} />}
      {providers && providers.length === 0 && !adding && <p className={cx('mt-3 text-sm', mutedText)}>No providers yet. Add one by its URL, for example http://gpu-box:8000.</p>}
      {providers && providers.length > 0 && (
        <ul aria-label="Providers" className="mt-2 divide-y divide-zinc-200 dark:divide-zinc-800">
          {providers.map((provider) => (
            <ProviderRow key={provider.name} provider={provider} />
          ))}
        </ul>
      )}
    </Section>
  );
}

function ProviderForm({ onDone }: { onDone: () => void }) {
  const add = useProvidersStore((s) => s.add);
  const [form, setForm] = useState({ name: '', baseUrl: '', apiKey: '' });
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const ids = { name: useId(), url: useId(), key: useId() };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaving(true);
    const failed = await add({ name: form.name.trim(), baseUrl: form.baseUrl.trim(), ...(form.apiKey !== '' ? { apiKey: form.apiKey } : {}) });
    setSaving(false);
    if (failed) setError(failed);
    else onDone();
  };

  return (
    <form aria-label="Add provider" className="mt-3 flex flex-col gap-3 rounded-md border border-zinc-200 p-3 dark:border-zinc-800" onSubmit={(e) => void submit(e)}>
      <div className="flex flex-wrap gap-3">
        <div className="flex flex-col gap-1">
          <label htmlFor={ids.name} className="font-medium">Name</label>
          <input id={ids.name} className={cx(input, 'w-40')} value={form.name} placeholder="gpu-box" onChange={(e) => setForm({ ...form, name: e.target.value })} />
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor={ids.url} className="font-medium">Base URL</label>
          <input id={ids.url} className={cx(input, 'w-72')} value={form.baseUrl} placeholder="http://192.168.1.20:8000/v1" onChange={(e) => setForm({ ...form, baseUrl: e.target.value })} />
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor={ids.key} className="font-medium">API key (optional)</label>
          <input id={ids.key} type="password" autoComplete="off" className={cx(input, 'w-56')} value={form.apiKey} onChange={(e) => setForm({ ...form, apiKey: e.target.value })} />
        </div>
      </div>
      <FormActions error={error} busy={saving} submitLabel="Add" busyLabel="Checking…" onCancel={onDone} />
    </form>
  );
}

function ProviderRow({ provider }: { provider: ProviderInfo }) {
  const pending = useProvidersStore((s) => s.pending[provider.name] === true);
  const rowError = useProvidersStore((s) => s.rowErrors[provider.name]);
  const test = useProvidersStore((s) => s.test);
  const remove = useProvidersStore((s) => s.remove);
  const [confirming, setConfirming] = useState(false);
  const what = provider.kind ? `${provider.kind}${provider.version ? ` ${provider.version}` : ''}` : 'not checked yet';
  const key = provider.keySource === 'env' ? `key from $${provider.keyEnv}` : provider.keySource === 'stored' ? 'key stored' : 'no key';
  const state = provider.status === 'ok' ? { text: 'Answers', tone: 'bg-green-100 text-green-800 dark:bg-green-950 dark:text-green-300' } : provider.status === 'down' ? { text: 'Down', tone: 'bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-300' } : { text: 'Unknown', tone: 'bg-zinc-100 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300' };
  return (
    <li aria-label={provider.name} className="flex flex-col gap-1 py-2">
      <div className="flex flex-wrap items-center gap-2">
        <span className="font-medium">{provider.name}</span>
        <span className={cx(badge, state.tone)}>{state.text}</span>
        <span className={cx('text-xs', mutedText)}>
          {what} · {key} · <code className="font-mono break-all">{provider.baseUrl}</code>
        </span>
        <span className="ml-auto flex gap-2">
          <button type="button" className={secondaryButton} aria-label={`Check ${provider.name}`} disabled={pending} onClick={() => void test(provider.name)}>
            {pending ? 'Checking…' : 'Check'}
          </button>
          {/* Removing also deletes its stored key: asked once more. */}
          <button
            type="button"
            className={secondaryButton}
            aria-label={confirming ? `Confirm removing ${provider.name}` : `Remove ${provider.name}`}
            disabled={pending}
            onClick={() => (confirming ? void remove(provider.name) : setConfirming(true))}
            onBlur={() => setConfirming(false)}
          >
            {confirming ? 'Remove, with its key' : 'Remove'}
          </button>
        </span>
      </div>
      {(provider.error || rowError) && (
        <p role="alert" className={cx('text-xs', errorText)}>
          {rowError ?? provider.error}
        </p>
      )}
      {provider.models.length > 0 && (
        <ul aria-label={`Models of ${provider.name}`} className={cx('flex flex-wrap gap-1 text-xs', mutedText)}>
          {provider.models.map((model) => (
            <li key={model.id} className={cx(badge, 'bg-zinc-100 font-mono dark:bg-zinc-800', !model.available && 'line-through')} title={model.unavailableReason}>
              {model.id}
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}
