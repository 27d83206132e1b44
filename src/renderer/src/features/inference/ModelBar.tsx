import type { ResidentModel } from '../../../../shared/dto';
import type { LoadMemoryCheck } from '../../../../shared/hardwareDto';
import { formatBytes, formatCtxExact } from '../../shared/lib/format';
import { ChevronDownIcon } from '../../shared/components/icons';
import { Popover } from '../../shared/components/Popover';
import { badge, cx, errorText, link, mutedText } from '../../shared/components/ui';
import { selectEngineError, selectEngineState, selectLoadProgress, selectLoadingModelId, useInferenceStore } from './inference';
import { modelDisplayName, selectModelById, useModelsStore } from '../models/models';
import { LoadProgress } from './LoadProgress';
import { describeMemoryCheck } from './memoryCheck';
import { ModelMenu } from './ModelMenu';
import { useRemoteModel } from '../providers/providers';

/**
 * Top of the chat: this chat's model (each chat keeps its own; see `chats.setModel`), whether it is
 * loaded, its size (the library's file size, the same figure as in My Models) and context, and the
 * picker: resident models first, then the others (loading one puts this chat on it).
 */
export function ModelBar({
  modelId,
  own,
  resident,
  name,
  onChoose,
}: {
  /** The model this chat talks to, or null when it has none and no model is loaded. */
  modelId: string | null;
  /** `modelId` is the chat's own; false while the chat follows the primary model (until its first reply). */
  own: boolean;
  /** That model while it is resident. */
  resident: ResidentModel | null;
  name: string | null;
  /** Puts this chat on a resident model. */
  onChoose: (modelId: string) => Promise<unknown>;
}) {
  const loadingId = useInferenceStore(selectLoadingModelId);
  const engine = useInferenceStore(selectEngineState);
  const engineError = useInferenceStore(selectEngineError);
  const actionError = useInferenceStore((s) => s.actionError);
  const info = useModelsStore(selectModelById(modelId ?? undefined));
  const loadingInfo = useModelsStore(selectModelById(loadingId ?? undefined));
  // A load in progress is shown in place when it is this chat's model, or when this chat has none yet.
  const showLoading = loadingId !== null && (loadingId === modelId || !resident);
  const remote = useRemoteModel(modelId);
  const shownName = showLoading ? (loadingInfo ? modelDisplayName(loadingInfo) : loadingId) : name;

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
            {shownName ? (
              <span className="min-w-0 truncate font-medium" title={shownName} data-testid="model-bar-name">
                {shownName}
              </span>
            ) : (
              <span>Choose a model</span>
            )}
            <span className="sr-only"> — choose model</span>
            <ChevronDownIcon />
          </>
        }
      >
        {(close) => <ModelMenu chatModelId={own ? modelId : null} onChoose={onChoose} onPicked={close} />}
      </Popover>
      {showLoading ? (
        <LoadingProgress modelId={loadingId} name={shownName ?? loadingId} />
      ) : resident ? (
        <>
          <span className={cx(badge, 'bg-accent-soft text-accent-text')} data-testid="model-bar-status">
            <span aria-hidden="true">●</span> Loaded
          </span>
          {info?.metadata?.quantization && <span className={cx('font-mono text-xs', mutedText)}>{info.metadata.quantization}</span>}
          {info && <span className={cx('font-mono text-xs tabular-nums', mutedText)}>{formatBytes(info.sizeBytes)}</span>}
          <span className={cx('font-mono text-xs tabular-nums', mutedText)} title="Context size per conversation, in tokens">
            {formatCtxExact(resident.settings.contextSize)}
          </span>
          {resident.memory && <MemoryCheck memory={resident.memory} />}
        </>
      ) : remote.remote ? (
        <span className={cx(badge, 'bg-zinc-100 dark:bg-zinc-800')} data-testid="model-bar-status" title={remote.reason}>
          {remote.available ? `Remote · ${remote.provider}` : `${remote.provider} does not answer`}
        </span>
      ) : (
        <span className={cx('text-xs', mutedText)} data-testid="model-bar-not-loaded">
          {engine === 'crashed' && <span title={engineError}>The engine stopped unexpectedly; load the model again. </span>}
          {modelId ? 'Not loaded: load it or pick a loaded model' : 'No model loaded'}
        </span>
      )}
      {actionError && (
        <span role="alert" className={cx('text-xs', errorText)}>
          Could not {actionError.action} the model: {actionError.message}{' '}
          {actionError.code === 'WONT_FIT' && (
            <button
              type="button"
              className={link}
              onClick={() => {
                const id = actionError.modelId;
                void useInferenceStore
                  .getState()
                  .load(id, { force: true })
                  .then((loaded) => loaded && onChoose(id));
              }}
            >
              Load anyway
            </button>
          )}
        </span>
      )}
    </section>
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
