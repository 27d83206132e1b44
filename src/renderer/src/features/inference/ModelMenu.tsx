import type { ModelInfo, ResidentModel } from '../../../../shared/dto';
import { formatBytes, formatCtx, formatCtxExact } from '../../shared/lib/format';
import { badge, cx, link, mutedText, secondaryButton } from '../../shared/components/ui';
import { routeHref } from '../../app/router';
import { selectBusy, selectResidentModels, useInferenceStore } from './inference';
import { distinctModelLabels, modelDisplayName, useModelsStore } from '../models/models';
import { residentMemoryBytes } from './memoryCheck';
import { RemoteChoices } from '../providers/RemoteChoices';

const sectionHeading = cx('px-2 pt-2 pb-1 text-xs font-semibold tracking-wide uppercase', mutedText);

/**
 * The chat's model picker: the resident models first (memory and context each, Use for this chat,
 * Unload), then the other library models (Load, which also puts this chat on the model).
 */
export function ModelMenu({
  chatModelId,
  onChoose,
  onPicked,
}: {
  /**
   * The chat's own model (marked "This chat"); null while the chat follows the primary model, so
   * Use can keep it on the primary even after another model becomes primary.
   */
  chatModelId: string | null;
  /** Puts this chat on a resident model. */
  onChoose: (modelId: string) => Promise<unknown>;
  /** Closes the menu. */
  onPicked: () => void;
}) {
  const models = useModelsStore((s) => s.models);
  const resident = useInferenceStore(selectResidentModels);
  const busy = useInferenceStore(selectBusy);
  const usable = models.filter((m) => m.status === 'ok');
  const labels = distinctModelLabels(usable);
  const residentIds = new Set(resident.map((m) => m.modelId));
  const others = usable.filter((m) => !residentIds.has(m.id));
  if (usable.length === 0 && resident.length === 0) {
    return (
      <div className="flex w-[26rem] max-w-full flex-col">
        <p className="p-3 text-sm">
          No models yet. <a href={routeHref('discover')} className={link}>Find a model</a> or see <a href={routeHref('models')} className={link}>My Models</a>.
        </p>
        <RemoteChoices chatModelId={chatModelId} onChoose={onChoose} onPicked={onPicked} />
      </div>
    );
  }
  const labelOf = (id: string, fallback: string) => labels.get(id) ?? fallback;

  const load = async (modelId: string) => {
    onPicked();
    // Pinned as any load from the app; the chat moves to it once it is loaded (not if loading failed).
    if (await useInferenceStore.getState().load(modelId)) await onChoose(modelId);
  };

  return (
    <div className="flex w-[26rem] max-w-full flex-col">
      {resident.length > 0 && (
        <>
          <h4 className={sectionHeading}>Loaded</h4>
          <ul aria-label="Loaded models" className="flex flex-col">
            {resident.map((model) => (
              <ResidentChoice
                key={model.modelId}
                model={model}
                info={usable.find((m) => m.id === model.modelId)}
                label={labelOf(model.modelId, model.name)}
                current={model.modelId === chatModelId}
                busy={busy}
                onUse={() => {
                  onPicked();
                  void onChoose(model.modelId);
                }}
                onUnload={() => {
                  onPicked();
                  void useInferenceStore.getState().unload(model.modelId);
                }}
              />
            ))}
          </ul>
        </>
      )}
      {others.length > 0 && (
        <>
          <h4 className={sectionHeading}>{resident.length > 0 ? 'Other models' : 'Models'}</h4>
          <ul aria-label="Other models" className="flex flex-col">
            {others.map((model) => (
              <OtherChoice key={model.id} model={model} label={labelOf(model.id, modelDisplayName(model))} busy={busy} onLoad={() => void load(model.id)} />
            ))}
          </ul>
        </>
      )}
      <RemoteChoices chatModelId={chatModelId} onChoose={onChoose} onPicked={onPicked} />
    </div>
  );
}

const row = 'flex items-center gap-2 rounded-md px-2 py-1.5 hover:bg-zinc-50 dark:hover:bg-zinc-800/60';

function ResidentChoice({
  model,
  info,
  label,
  current,
  busy,
  onUse,
  onUnload,
}: {
  model: ResidentModel;
  info: ModelInfo | undefined;
  label: string;
  current: boolean;
  busy: boolean;
  onUse: () => void;
  onUnload: () => void;
}) {
  const running = model.activeRequests > 0 ? `${model.activeRequests} ${model.activeRequests === 1 ? 'reply' : 'replies'} running` : null;
  return (
    <li className={row}>
      <div className="min-w-0 flex-1">
        <div className="font-medium break-words">
          {label} {current && <span className={cx(badge, 'bg-accent-soft text-accent-text')}>This chat</span>}
        </div>
        <div className={cx('font-mono text-xs tabular-nums', mutedText)}>
          {[info?.metadata?.quantization, `${formatBytes(residentMemoryBytes(model))} in memory`, `${formatCtxExact(model.settings.contextSize)} loaded`, running]
            .filter(Boolean)
            .join(' · ')}
        </div>
      </div>
      {!current && (
        <button type="button" className={secondaryButton} aria-label={`Use ${label} in this chat`} onClick={onUse}>
          Use
        </button>
      )}
      <button type="button" className={secondaryButton} aria-label={`Unload ${label}`} disabled={busy} onClick={onUnload}>
        Unload
      </button>
    </li>
  );
}

function OtherChoice({ model, label, busy, onLoad }: { model: ModelInfo; label: string; busy: boolean; onLoad: () => void }) {
  const trained = model.metadata ? model.metadata.trainedContextLength : null;
  return (
    <li className={row}>
      <div className="min-w-0 flex-1">
        <div className="font-medium break-words">{label}</div>
        <div className={cx('font-mono text-xs tabular-nums', mutedText)}>
          {[model.metadata?.quantization, formatBytes(model.sizeBytes), trained ? `up to ${formatCtx(trained)}` : null].filter(Boolean).join(' · ')}
        </div>
      </div>
      <button type="button" className={secondaryButton} aria-label={`Load ${label}`} disabled={busy} onClick={onLoad}>
        Load
      </button>
    </li>
  );
}
