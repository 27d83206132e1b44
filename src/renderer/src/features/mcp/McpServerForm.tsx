import { useId, useState, type FormEvent } from 'react';
import { FormActions } from '../../shared/components/FormActions';
import { cx, mutedText } from '../../shared/components/ui';
import { input } from '../server/serverUi';
import { useMcpStore } from './mcp';
import { argsFromForm, DEFAULT_TIMEOUT_SECONDS, type McpForm } from './mcpForm';
import { SecretRows } from './SecretRows';

/** Add or edit one server: a local command (stdio) or a URL (Streamable HTTP, or SSE only). */
export function McpServerForm({ initial, previousName, onDone }: { initial: McpForm; previousName: string | null; onDone: () => void }) {
  const save = useMcpStore((s) => s.save);
  const [form, setForm] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const ids = { name: useId(), command: useId(), args: useId(), cwd: useId(), url: useId(), timeout: useId(), rights: useId(), kind: useId() };
  const edit = (patch: Partial<McpForm>) => setForm((f) => ({ ...f, ...patch }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const checked = argsFromForm(form, previousName);
    if (!checked.ok) return setError(checked.error);
    setSaving(true);
    const failed = await save(checked.args);
    setSaving(false);
    if (failed) setError(failed);
    else onDone();
  };

  return (
    <form aria-label={previousName ? `Edit ${previousName}` : 'Add MCP server'} className="flex flex-col gap-3 rounded-md border border-zinc-200 p-3 dark:border-zinc-800" onSubmit={(e) => void submit(e)}>
      <div className="flex flex-wrap gap-3">
        <div className="flex flex-col gap-1">
          <label htmlFor={ids.name} className="font-medium">Name</label>
          <input id={ids.name} className={cx(input, 'w-48')} value={form.name} placeholder="filesystem" onChange={(e) => edit({ name: e.target.value })} />
        </div>
        <fieldset className="flex flex-col gap-1">
          <legend className="font-medium">Runs as</legend>
          <div className="flex gap-3 py-1">
            <label className="flex items-center gap-1.5">
              <input type="radio" name={ids.kind} checked={form.kind === 'stdio'} onChange={() => edit({ kind: 'stdio' })} />
              Local command
            </label>
            <label className="flex items-center gap-1.5">
              <input type="radio" name={ids.kind} checked={form.kind === 'url'} onChange={() => edit({ kind: 'url' })} />
              Remote URL
            </label>
          </div>
        </fieldset>
      </div>

      {form.kind === 'stdio' ? (
        <>
          <p id={ids.rights} className="text-xs text-amber-800 dark:text-amber-300">
            A local server runs on this computer with your user&apos;s rights: it can read and change what you can. Add only servers you trust.
          </p>
          <div className="flex flex-col gap-1">
            <label htmlFor={ids.command} className="font-medium">Command</label>
            <input id={ids.command} aria-describedby={ids.rights} className={cx(input, 'font-mono')} value={form.command} placeholder="npx" onChange={(e) => edit({ command: e.target.value })} />
          </div>
          <div className="flex flex-col gap-1">
            <label htmlFor={ids.args} className="font-medium">Arguments (one per line)</label>
            <textarea id={ids.args} rows={3} className={cx(input, 'font-mono text-xs')} value={form.args} placeholder={'-y\n@modelcontextprotocol/server-filesystem\n/home/me/notes'} onChange={(e) => edit({ args: e.target.value })} />
          </div>
          <div className="flex flex-col gap-1">
            <label htmlFor={ids.cwd} className="font-medium">Working folder (optional)</label>
            <input id={ids.cwd} className={cx(input, 'font-mono text-xs')} value={form.cwd} onChange={(e) => edit({ cwd: e.target.value })} />
          </div>
          <SecretRows label="Environment variables" namePlaceholder="API_TOKEN" rows={form.env} onChange={(env) => edit({ env })} />
        </>
      ) : (
        <>
          <div className="flex flex-col gap-1">
            <label htmlFor={ids.url} className="font-medium">URL</label>
            <input id={ids.url} className={cx(input, 'font-mono')} value={form.url} placeholder="https://example.com/mcp" onChange={(e) => edit({ url: e.target.value })} />
          </div>
          <label className="flex items-center gap-2">
            <input type="checkbox" checked={form.sseOnly} onChange={(e) => edit({ sseOnly: e.target.checked })} />
            Older SSE transport only
          </label>
          <SecretRows label="Headers" namePlaceholder="Authorization" rows={form.headers} onChange={(headers) => edit({ headers })} />
        </>
      )}
      <p className={cx('text-xs', mutedText)}>Values of environment variables and headers are kept in mcp.json and never shown again here.</p>

      <div className="flex flex-col gap-1">
        <label htmlFor={ids.timeout} className="font-medium">Tool call timeout (s)</label>
        <input id={ids.timeout} inputMode="numeric" className={cx(input, 'w-28 font-mono')} value={form.timeoutSeconds} placeholder={String(DEFAULT_TIMEOUT_SECONDS)} onChange={(e) => edit({ timeoutSeconds: e.target.value })} />
      </div>

      <FormActions error={error} busy={saving} submitLabel="Save server" busyLabel="Saving…" onCancel={onDone} />
    </form>
  );
}
