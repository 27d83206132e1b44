import { useId } from 'react';
import { cx, mutedText } from '../../shared/components/ui';
import { useServerStore } from './server';
import { CopyTextButton, input, smallButton } from './serverUi';

/** The API key: generate one in this page (shown once, with Copy), copy the one this page knows, or clear it. */
export function ApiKeyField() {
  const status = useServerStore((s) => s.status);
  const keyChange = useServerStore((s) => s.keyChange);
  const knownKey = useServerStore((s) => s.knownKey);
  const { generateKey, clearKey, keepKey } = useServerStore.getState();
  const headingId = useId();
  const newKeyId = useId();
  const keySet = status?.apiKeySet ?? false;
  const lan = useServerStore((s) => s.draft?.lan ?? false);

  return (
    <div role="group" aria-labelledby={headingId} className="mt-4 flex flex-col gap-2 border-t border-zinc-200 pt-4 dark:border-zinc-800">
      <h3 id={headingId} className="font-medium">
        API key
      </h3>
      {keyChange.kind === 'new' && (
        <>
          <label htmlFor={newKeyId} className={cx('text-xs', mutedText)}>
            New API key — shown only now; copy it into your client. It is checked from the next start.
          </label>
          <div className="flex flex-wrap items-center gap-2">
            <input id={newKeyId} readOnly value={keyChange.key} className={cx(input, 'min-w-0 flex-1 font-mono text-xs')} onFocus={(e) => e.target.select()} />
            <CopyTextButton label="Copy new API key" text={keyChange.key} />
            <button type="button" className={smallButton} onClick={keepKey}>
              Discard new key
            </button>
          </div>
        </>
      )}
      {keyChange.kind === 'none' && (
        <div className="flex flex-wrap items-center gap-2">
          <span>From the next start no key is checked.</span>
          <button type="button" className={smallButton} onClick={keepKey}>
            Keep the key
          </button>
        </div>
      )}
      {keyChange.kind === 'keep' && (
        <div className="flex flex-wrap items-center gap-2">
          <p data-testid="api-key-state" className="w-full">
            {keySet ? 'Set: clients must send it as "Authorization: Bearer <key>".' : 'None: any app that can reach the server can use it.'}
          </p>
          {keySet && knownKey && <CopyTextButton label="Copy API key" text={knownKey} />}
          <button type="button" className={smallButton} onClick={generateKey}>
            {keySet ? 'Generate new key' : 'Generate key'}
          </button>
          {keySet && (
            <button type="button" className={smallButton} onClick={clearKey}>
              Clear key
            </button>
          )}
        </div>
      )}
      {keyChange.kind === 'keep' && keySet && !knownKey && (
        <p className={cx('text-xs', mutedText)}>The key is kept by Hearth but not shown again; generate a new one if you lost it.</p>
      )}
      {lan && !keySet && keyChange.kind !== 'new' && (
        <p className="text-xs text-amber-800 dark:text-amber-300">Serving on the network without a key lets anyone there use it: generate one.</p>
      )}
    </div>
  );
}
