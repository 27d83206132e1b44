import type { LoadMemoryCheck, ModelInfo } from '../../../../shared/dto';
import { formatBytes, formatCtx, formatCtxExact } from '../../shared/lib/format';
import { ChevronDownIcon } from '../../shared/components/icons';
import { Popover } from '../../shared/components/Popover';
import { badge, cx, errorText, link, mutedText, secondaryButton } from '../../shared/components/ui';
import { routeHref } from '../../app/router';
import { selectBusy, selectEngineError, selectEngineState, selectLoadProgress, selectLoaded, selectLoadingModelId, useInferenceStore } from './inference';
import { distinctModelLabels, modelDisplayName, selectModelById, useModelsStore } from '../models/models';
import { LoadProgress } from './LoadProgress';
import { describeMemoryCheck } from './memoryCheck';

/**
 * Top of the chat: the model picker (load or switch without leaving Chat), whether the model is
 * loaded, its size (the library's file size, the same figure as in My Models) and context.
 */
export function ModelBar() {
  const loaded = useInferenceStore(selectLoaded);
  const loadingId = useInferenceStore(selectLoadingModelId);
  const engine = useInferenceStore(selectEngineState);
  const engineError = useInferenceStore(selectEngineError);
  const actionError = useInferenceStore((s) => s.actionError);
  const loadedInfo = useModelsStore(selectModelById(loaded?.modelId));
  const loadingInfo = useModelsStore(selectModelById(loadingId ?? undefined));

  let name: string | null = null;
  if (loadingId) name = loadingInfo ? modelDisplayName(loadingInfo) : loadingId;
  else if (loaded) name = loaded.name;

  return (
    <section aria-label="Model bar" className="flex min-w-0 flex-1 flex-wrap items-center gap-x-3 gap-y-1">
      <Popover
        panelLabel="Models"
        buttonClassName={cx(
          'flex max-w-full min-w-0 items-center gap-1.5 rounded-md border border-zinc-300 px-2.5 py-1 text-left hover:bg-zinc-100',
          'dark:border-zinc-700 dark:hover:bg-zinc-800',
        )}
        button={
          <>
            {name ? (
              <span className="min-w-0 truncate font-medium" title={name} data-testid="model-bar-name">
                {name}
              </span>
            ) : (
              <span>Choose a model</span>
            )}
            <span className="sr-only"> — choose model</span>
            <ChevronDownIcon />
          </>
        }
      >
        {(close) => <ModelMenu onPicked={close} />}
      </Popover>
      {loadingId ? (
        <LoadingProgress modelId={loadingId} name={name ?? loadingId} />
      ) : loaded ? (
        <>
          <span className={cx(badge, 'bg-accent-soft text-accent-text')} data-testid="model-bar-status">
            <span aria-hidden="true">●</span> Loaded
          </span>
          {loadedInfo?.metadata?.quantization && <span className={cx('font-mono text-xs', mutedText)}>{loadedInfo.metadata.quantization}</span>}
          {loadedInfo && <span className={cx('font-mono text-xs tabular-nums', mutedText)}>{formatBytes(loadedInfo.sizeBytes)}</span>}
          <span className={cx('font-mono text-xs tabular-nums', mutedText)} title="Context size per conversation, in tokens">
            {formatCtxExact(loaded.settings.contextSize)}
          </span>
          {loaded.memory && <MemoryCheck memory={loaded.memory} />}
        </>
      ) : (
        <span className={cx('text-xs', mutedText)}>
          {engine === 'crashed' && <span title={engineError}>The engine stopped unexpectedly; load the model again. </span>}
          No model loaded
        </span>
      )}
      {actionError && (
        <span role="alert" className={cx('text-xs', errorText)}>
          Could not {actionError.action} the model: {actionError.message}{' '}
          {actionError.code === 'WONT_FIT' && (
            <button type="button" className={link} onClick={() => void useInferenceStore.getState().load(actionError.modelId, { force: true })}>
              Load anyway
            </button>
          )}
        </span>
      )}
    </section>
  );
}

/** Every readable model, with Load (or Unload for the loaded one). */
function ModelMenu({ onPicked }: { onPicked: () => void }) {
  const models = useModelsStore((s) => s.models);
  const loadedId = useInferenceStore((s) => s.state?.loaded?.modelId ?? null);
  const loadedContext = useInferenceStore((s) => s.state?.loaded?.settings.contextSize ?? null);
  const busy = useInferenceStore(selectBusy);
  const usable = models.filter((m) => m.status === 'ok');
  const labels = distinctModelLabels(usable);
  if (usable.length === 0) {
    return (
      <p className="p-3 text-sm">
        No models yet. <a href={routeHref('discover')} className={link}>Find a model</a> or see <a href={routeHref('models')} className={link}>My Models</a>.
      </p>
    );
  }
  return (
    <ul className="flex w-[26rem] max-w-full flex-col">
      {usable.map((model) => (
        <ModelChoice
          key={model.id}
          model={model}
          label={labels.get(model.id) ?? modelDisplayName(model)}
          loaded={model.id === loadedId}
          loadedContext={model.id === loadedId ? loadedContext : null}
          busy={busy}
          onPicked={onPicked}
        />
      ))}
    </ul>
  );
}

function ModelChoice({
  model,
  label,
  loaded,
  loadedContext,
  busy,
  onPicked,
}: {
  model: ModelInfo;
  label: string;
  loaded: boolean;
  /** The loaded model's context, in tokens: shown as the header shows it, so the two agree. */
  loadedContext: number | null;
  busy: boolean;
  onPicked: () => void;
}) {
  const store = useInferenceStore.getState;
  const trained = model.metadata ? model.metadata.trainedContextLength : null;
  const context = loadedContext !== null ? `${formatCtxExact(loadedContext)} loaded` : trained ? `up to ${formatCtx(trained)}` : null;
  return (
    <li className="flex items-center gap-3 rounded-md px-2 py-1.5 hover:bg-zinc-50 dark:hover:bg-zinc-800/60">
      <div className="min-w-0 flex-1">
        <div className="font-medium break-words">{label}</div>
        <div className={cx('font-mono text-xs tabular-nums', mutedText)}>
          {[model.metadata?.quantization, formatBytes(model.sizeBytes), context].filter(Boolean).join(' · ')}
        </div>
      </div>
      {loaded ? (
        <button
          type="button"
          className={secondaryButton}
          aria-label={`Unload ${label}`}
          disabled={busy}
          onClick={() => {
            onPicked();
            void store().unload();
          }}
        >
          Unload
        </button>
      ) : (
        <button
          type="button"
          className={secondaryButton}
          aria-label={`Load ${label}`}
          disabled={busy}
          onClick={() => {
            onPicked();
            void store().load(model.id);
          }}
        >
          Load
        </button>
      )}
    </li>
  );
}

/** Predicted vs measured memory of the load, small and muted; the whole story on hover. */
function MemoryCheck({ memory }: { memory: LoadMemoryCheck }) {
  const { text, title } = describeMemoryCheck(memory);
  return (
    <span className={cx('min-w-0 truncate font-mono text-xs tabular-nums', mutedText)} title={title} data-testid="model-bar-memory">
      {text}
    </span>
  );
}

function LoadingProgress({ modelId, name }: { modelId: string; name: string }) {
  const progress = useInferenceStore(selectLoadProgress(modelId));
  return <LoadProgress name={name} progress={progress ?? 0} />;
}
