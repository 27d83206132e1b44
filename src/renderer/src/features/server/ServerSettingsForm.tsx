import { useId, useState } from 'react';
import { cx, errorText, mutedText, primaryButton, secondaryButton } from '../../shared/components/ui';
import { useServerStore } from './server';
import { differsFrom, validateForm } from './serverSettings';
import { input } from './serverUi';

/** Port, local network opt-in and CORS origins; changes apply on the next start or a confirmed restart. */
export function ServerSettingsForm() {
  const draft = useServerStore((s) => s.draft);
  const status = useServerStore((s) => s.status);
  const keyChange = useServerStore((s) => s.keyChange);
  const editDraft = useServerStore((s) => s.editDraft);
  const ids = { port: useId(), portError: useId(), lanNote: useId(), cors: useId(), corsHelp: useId(), corsError: useId() };
  if (!draft) return <p className={mutedText}>Reading the settings…</p>;

  const checked = validateForm(draft);
  const errors = checked.ok ? {} : checked.errors;
  const running = status?.running ?? false;
  const changed = checked.ok && (differsFrom(checked.args, status?.settings ?? null) || keyChange.kind !== 'keep');

  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-col gap-1">
        <label htmlFor={ids.port} className="font-medium">
          Port
        </label>
        <input
          id={ids.port}
          inputMode="numeric"
          className={cx(input, 'w-28 font-mono')}
          value={draft.port}
          aria-invalid={errors.port ? true : undefined}
          aria-describedby={errors.port ? ids.portError : undefined}
          onChange={(event) => editDraft({ port: event.target.value })}
        />
        {errors.port && (
          <p id={ids.portError} className={cx('text-xs', errorText)}>
            {errors.port}
          </p>
        )}
      </div>

      <div className="flex flex-col gap-1">
        <label className="flex items-center gap-2 font-medium">
          <input type="checkbox" checked={draft.lan} aria-describedby={ids.lanNote} onChange={(event) => editDraft({ lan: event.target.checked })} />
          Serve on the local network
        </label>
        <p id={ids.lanNote} className={cx('text-xs', draft.lan ? 'text-amber-800 dark:text-amber-300' : mutedText)}>
          {draft.lan
            ? 'Binds 0.0.0.0: anyone on your network can use your models through it. An API key is strongly advised.'
            : 'Off: only apps on this machine can connect (127.0.0.1).'}
        </p>
      </div>

      <div className="flex flex-col gap-1">
        <label htmlFor={ids.cors} className="font-medium">
          Allowed origins (CORS)
        </label>
        <textarea
          id={ids.cors}
          rows={2}
          className={cx(input, 'font-mono text-xs')}
          placeholder="http://localhost:3000"
          value={draft.corsOrigins}
          aria-invalid={errors.corsOrigins ? true : undefined}
          aria-describedby={cx(ids.corsHelp, errors.corsOrigins && ids.corsError)}
          onChange={(event) => editDraft({ corsOrigins: event.target.value })}
        />
        <p id={ids.corsHelp} className={cx('text-xs', mutedText)}>
          One per line. Empty: no web page can call the server from a browser.
        </p>
        {errors.corsOrigins && (
          <p id={ids.corsError} className={cx('text-xs', errorText)}>
            {errors.corsOrigins}
          </p>
        )}
      </div>

      {running ? changed && <RestartPrompt /> : <p className={cx('text-xs', mutedText)}>Settings apply when the server starts.</p>}
    </div>
  );
}

/** Changes while running: say they wait for a restart, and restart only once confirmed (requests in flight are stopped). */
function RestartPrompt() {
  const start = useServerStore((s) => s.start);
  const busy = useServerStore((s) => s.busy);
  const [confirming, setConfirming] = useState(false);
  return (
    <div role="group" aria-label="Apply changes" className="flex flex-wrap items-center gap-2 rounded-md bg-accent-soft px-3 py-2 text-xs">
      {confirming ? (
        <>
          <span>Restart now? Requests in flight are stopped.</span>
          <button
            type="button"
            className={cx(primaryButton, 'px-2 py-1 text-xs')}
            disabled={busy !== null}
            onClick={() => void start().then(() => setConfirming(false))}
          >
            Restart
          </button>
          <button type="button" className={cx(secondaryButton, 'px-2 py-1 text-xs')} onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </>
      ) : (
        <>
          <span>The server runs with the previous settings until it restarts.</span>
          <button type="button" className={cx(secondaryButton, 'px-2 py-1 text-xs')} onClick={() => setConfirming(true)}>
            Restart with these settings
          </button>
        </>
      )}
    </div>
  );
}
