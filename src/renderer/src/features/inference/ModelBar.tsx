import type { LoadMemoryCheck } from '../../../../shared/dto';
import { formatBytes, formatCtxExact } from '../../shared/lib/format';
import { routeHref } from '../../app/router';
import {
  selectEngineError,
  selectEngineState,
  selectLoadProgress,
  selectLoaded,
  selectLoadingModelId,
  useInferenceStore,
} from './inference';
import { modelDisplayName, selectModelById, useModelsStore } from '../models/models';
import { LoadProgress } from './LoadProgress';
import { describeMemoryCheck } from './memoryCheck';
import { badge, cx, link, mutedText } from '../../shared/components/ui';

/** Top of the chat: which model answers, whether it is loaded, its size and context. */
export function ModelBar() {
  const loaded = useInferenceStore(selectLoaded);
  const loadingId = useInferenceStore(selectLoadingModelId);
  const engine = useInferenceStore(selectEngineState);
  const engineError = useInferenceStore(selectEngineError);
  const loadedInfo = useModelsStore(selectModelById(loaded?.modelId));
  const loadingInfo = useModelsStore(selectModelById(loadingId ?? undefined));

  let content;
  if (loaded) {
    const quantization = loadedInfo?.metadata?.quantization;
    content = (
      <>
        <span className="truncate font-medium" data-testid="model-bar-name">
          {loaded.name}
        </span>
        {quantization && <span className={cx('font-mono text-xs', mutedText)}>{quantization}</span>}
        <span className={cx(badge, 'bg-accent-soft text-accent-text')} data-testid="model-bar-status">
          <span aria-hidden="true">●</span> Loaded
        </span>
        <span className={cx('font-mono text-xs tabular-nums', mutedText)}>{formatBytes(loaded.modelBytes)}</span>
        <span className={cx('font-mono text-xs tabular-nums', mutedText)}>{formatCtxExact(loaded.settings.contextSize)}</span>
        {loaded.memory && <MemoryCheck memory={loaded.memory} />}
      </>
    );
  } else if (loadingId) {
    const name = loadingInfo ? modelDisplayName(loadingInfo) : loadingId;
    content = (
      <>
        <span className="truncate font-medium">{name}</span>
        <LoadingProgress modelId={loadingId} name={name} />
      </>
    );
  } else {
    content = (
      <span className={mutedText}>
        {engine === 'crashed' && (
          <span title={engineError}>The engine stopped unexpectedly; load the model again. </span>
        )}
        No model loaded — <a href={routeHref('models')} className={link}>go to Models</a>
      </span>
    );
  }

  return (
    <section aria-label="Model bar" className="flex min-w-0 flex-1 items-center gap-3">
      {content}
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
