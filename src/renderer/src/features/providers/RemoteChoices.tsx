import { useEffect } from 'react';
import { badge, cx, mutedText, secondaryButton } from '../../shared/components/ui';
import { useProvidersStore } from './providers';

const sectionHeading = cx('px-2 pt-2 pb-1 text-xs font-semibold tracking-wide uppercase', mutedText);
const row = 'flex items-center gap-2 rounded-md px-2 py-1.5 hover:bg-zinc-50 dark:hover:bg-zinc-800/60';

/**
 * The model picker's remote models, `<provider>/<model>`, tagged with their provider. They need
 * no loading (their server holds them): Use puts the chat on one. A model whose provider is down
 * stays listed, struck through, with the reason as its title.
 */
export function RemoteChoices({ chatModelId, onChoose, onPicked }: { chatModelId: string | null; onChoose: (modelId: string) => Promise<unknown>; onPicked: () => void }) {
  const providers = useProvidersStore((s) => s.providers);
  const fetch = useProvidersStore((s) => s.fetch);
  useEffect(() => {
    void fetch();
  }, [fetch]);
  const models = (providers ?? []).flatMap((provider) => provider.models);
  if (models.length === 0) return null;
  return (
    <>
      <h4 className={sectionHeading}>Remote</h4>
      <ul aria-label="Remote models" className="flex flex-col">
        {models.map((model) => (
          <li key={model.id} className={row}>
            <div className="min-w-0 flex-1">
              <div className={cx('font-medium break-words', !model.available && 'line-through')} title={model.unavailableReason}>
                {model.remoteId}{' '}
                <span className={cx(badge, 'bg-zinc-100 dark:bg-zinc-800')}>{model.provider}</span>
                {model.id === chatModelId && <span className={cx(badge, 'ml-1 bg-accent-soft text-accent-text')}>This chat</span>}
              </div>
              {!model.available && <div className={cx('text-xs', mutedText)}>{model.unavailableReason ?? 'Its provider does not answer.'}</div>}
            </div>
            {model.id !== chatModelId && (
              <button
                type="button"
                className={secondaryButton}
                aria-label={`Use ${model.id} in this chat`}
                onClick={() => {
                  onPicked();
                  void onChoose(model.id);
                }}
              >
                Use
              </button>
            )}
          </li>
        ))}
      </ul>
    </>
  );
}
