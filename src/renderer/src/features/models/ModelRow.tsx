import { useId, useState } from 'react';
import type { ModelInfo } from '../../../../shared/dto';
import { formatBytes, formatCtx, formatParams } from '../../shared/lib/format';
import {
  selectActionErrorFor,
  selectBusy,
  selectLoadProgress,
  selectResident,
  useInferenceStore,
} from '../inference/inference';
import { modelDisplayName } from './models';
import { LoadProgress } from '../inference/LoadProgress';
import { FitCell, FitDetails } from './FitBadge';
import { DeleteModelButton } from './DeleteModelButton';
import { LicenceBadge } from '../discover/LicenceBadge';
import { selectFit, useFitsStore } from './fits';
import { badge, cx, errorText, mutedText, primaryButton, secondaryButton } from '../../shared/components/ui';
import { openNewChat } from '../../app/openChat';
import { WIDE_ONLY } from './modelColumns';

const numberCell = 'px-2 py-2 text-right font-mono text-xs tabular-nums whitespace-nowrap lg:px-3';
const textCell = 'px-2 py-2 lg:px-3';
const codeCell = 'px-2 py-2 font-mono text-xs whitespace-nowrap lg:px-3';

/**
 * One local model: its facts, its fit on this machine, and Load / Unload / progress / error where
 * the action is. "Why?" opens a second row below with the reasoning of the fit. `label` names the
 * model in button names; unique in the list (see `distinctModelLabels`). `columns`: the table's.
 */
export function ModelRow({ model, label, columns }: { model: ModelInfo; label: string; columns: number }) {
  const name = modelDisplayName(model);
  const meta = model.metadata;
  const readable = model.status === 'ok';
  const [expanded, setExpanded] = useState(false);
  const detailsId = useId();
  return (
    <>
      <tr className={cx('align-top', !expanded && 'border-b border-zinc-100 last:border-0 dark:border-zinc-800/70')} data-model-id={model.id}>
        <td className={textCell}>
          <div className="max-w-72 truncate font-medium" title={name}>
            {name}
          </div>
          <ModelSource model={model} name={name} />
          {meta?.license && (
            <div className="mt-1">
              <LicenceBadge licence={meta.license} />
            </div>
          )}
        </td>
        <td className={cx(textCell, 'whitespace-nowrap', WIDE_ONLY)}>{meta?.architecture ?? '–'}</td>
        <td className={cx(numberCell, WIDE_ONLY)}>{meta ? formatParams(meta.parameterCount) : '–'}</td>
        <td className={cx(codeCell, WIDE_ONLY)}>{meta?.quantization ?? '–'}</td>
        <td className={numberCell}>{formatBytes(model.sizeBytes)}</td>
        <td className={cx(numberCell, WIDE_ONLY)}>{meta ? formatCtx(meta.trainedContextLength) : '–'}</td>
        <td className={cx(textCell, 'min-w-32')}>
          {readable ? (
            <FitCell modelId={model.id} label={label} expanded={expanded} detailsId={detailsId} onToggle={() => setExpanded((open) => !open)} />
          ) : (
            <span className={cx('text-xs', mutedText)}>–</span>
          )}
        </td>
        <td className={cx(textCell, 'w-56')}>
          {readable ? (
            <ModelActions modelId={model.id} label={label} />
          ) : (
            <div>
              <span className={cx(badge, 'bg-red-50 text-red-700 dark:bg-red-950 dark:text-red-300')}>Unreadable</span>
              <p className={cx('mt-1 text-xs', errorText)}>{model.error ?? 'Not a GGUF file llama.cpp can read.'}</p>
            </div>
          )}
          <div className="mt-1.5">
            <DeleteModelButton model={model} label={label} />
          </div>
        </td>
      </tr>
      {expanded && (
        <tr className="border-b border-zinc-100 last:border-0 dark:border-zinc-800/70">
          <td colSpan={columns} className="px-3 pb-3">
            <FitDetails modelId={model.id} label={label} id={detailsId} />
          </td>
        </tr>
      )}
    </>
  );
}

/**
 * Where the model comes from: `publisher / repo` and the file name. The file name is left out
 * when it already is the display name (files without `general.name`, unreadable files).
 */
function ModelSource({ model, name }: { model: ModelInfo; name: string }) {
  const origin = [model.publisher, model.repo].filter(Boolean).join(' / ');
  const file = model.fileName === name ? '' : model.fileName;
  if (!origin && !file) return null;
  return (
    <div className={cx('mt-0.5 max-w-72 truncate font-mono text-xs', mutedText)} title={[origin, file].filter(Boolean).join(' · ')}>
      {origin && <span>{origin}</span>}
      {origin && file && <span aria-hidden="true"> · </span>}
      {file && <span>{file}</span>}
    </div>
  );
}

function ModelActions({ modelId, label }: { modelId: string; label: string }) {
  const isLoaded = useInferenceStore(selectResident(modelId));
  const progress = useInferenceStore(selectLoadProgress(modelId));
  const busy = useInferenceStore(selectBusy);
  const unloading = useInferenceStore((s) => s.pending?.action === 'unload');
  const error = useInferenceStore(selectActionErrorFor(modelId));
  const load = useInferenceStore((s) => s.load);
  const unload = useInferenceStore((s) => s.unload);
  const fit = useFitsStore(selectFit(modelId));
  const chosenContext = useFitsStore((s) => (s.chosen ? s.contextSize : undefined));
  const [warning, setWarning] = useState<string | null>(null);
  // A context the user picked is honoured; one that will not fit is loaded only after a warning.
  const startLoad = () => {
    const estimate = fit?.estimate;
    if (chosenContext !== undefined && estimate?.label === 'too-large') {
      setWarning(`Will not fit with ${estimate.contextSize} tokens of context: ${estimate.reason}.`);
      return;
    }
    void load(modelId, chosenContext !== undefined ? { contextSize: Math.min(chosenContext, estimate?.contextSize ?? chosenContext) } : {});
  };

  // "Chat": straight to a new chat with this model, loading it first when needed.
  const chat = async () => {
    if (!isLoaded) {
      if (chosenContext !== undefined && fit?.estimate?.label === 'too-large') return startLoad();
      await load(modelId, chosenContext !== undefined ? { contextSize: Math.min(chosenContext, fit?.estimate?.contextSize ?? chosenContext) } : {});
      if (useInferenceStore.getState().state?.loaded?.modelId !== modelId) return;
    }
    openNewChat();
  };
  const chatButton = (
    <button type="button" className={isLoaded ? primaryButton : secondaryButton} aria-label={`Chat with ${label}`} disabled={!isLoaded && busy} onClick={() => void chat()}>
      Chat
    </button>
  );

  let control;
  if (progress !== null) {
    control = <LoadProgress name={label} progress={progress} />;
  } else if (isLoaded) {
    control = (
      <span className="inline-flex flex-wrap items-center gap-2">
        <span className={cx(badge, 'bg-accent-soft text-accent-text')}>
          <span aria-hidden="true">●</span> Loaded
        </span>
        {chatButton}
        <button
          type="button"
          className={secondaryButton}
          aria-label={`Unload ${label}`}
          disabled={unloading}
          onClick={() => void unload(modelId)}
        >
          {unloading ? 'Unloading…' : 'Unload'}
        </button>
      </span>
    );
  } else {
    control = (
      <span className="inline-flex flex-wrap items-center gap-2">
        <button
          type="button"
          className={primaryButton}
          aria-label={`Load ${label}`}
          disabled={busy}
          onClick={startLoad}
        >
          Load
        </button>
        {chatButton}
      </span>
    );
  }
  if (warning && !isLoaded && progress === null) {
    control = (
      <div role="alertdialog" aria-label={`Load ${label} anyway?`} className="max-w-xs text-xs">
        <p className={errorText}>{warning}</p>
        <div className="mt-1 flex gap-2">
          <button
            type="button"
            className={secondaryButton}
            onClick={() => {
              setWarning(null);
              void load(modelId, { contextSize: Math.min(chosenContext ?? 8192, fit?.estimate?.contextSize ?? 8192), force: true });
            }}
          >
            Load anyway
          </button>
          <button type="button" className={secondaryButton} autoFocus onClick={() => setWarning(null)}>
            Cancel
          </button>
        </div>
      </div>
    );
  }

  return (
    <div>
      {control}
      {error && (
        <p role="alert" className={cx('mt-1 text-xs', errorText)}>
          {error.action === 'load' ? 'Could not load: ' : 'Could not unload: '}
          {error.message}
        </p>
      )}
    </div>
  );
}
