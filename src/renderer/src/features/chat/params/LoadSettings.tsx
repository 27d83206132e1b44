import { useEffect, useId, useState } from 'react';
import type { LoadedModel } from '../../../../../shared/dto';
import { ChevronDownIcon, ChevronRightIcon } from '../../../shared/components/icons';
import { cx, errorText, mutedText, primaryButton, secondaryButton } from '../../../shared/components/ui';
import { useHardwareStore } from '../../hardware/hardware';
import { selectModelById, useModelsStore } from '../../models/models';
import { selectBusy, useInferenceStore } from '../../inference/inference';
import { useChatModel } from '../chatModel';
import { fieldInput, panelHeading } from '../chatUi';
import { differsFrom, KV_CACHE_CHOICES, loadFormFrom, validateLoadForm, type LoadField, type LoadForm } from './loadSettingsForm';
import type { KvCacheType } from '../../../../../shared/dto';

const FIELDS: { key: LoadField; label: string; help: string }[] = [
  { key: 'contextSize', label: 'Context length', help: 'Tokens each conversation can hold; more takes more memory.' },
  { key: 'gpuLayers', label: 'GPU layers', help: 'Layers on the GPU: a number, auto (as many as fit) or max.' },
  { key: 'threads', label: 'Threads', help: 'CPU threads used for generation.' },
  { key: 'parallel', label: 'Parallel replies', help: 'Replies generated at once; each costs one context of memory.' },
  { key: 'batchSize', label: 'Batch size', help: 'Tokens evaluated per step while reading a prompt; larger reads faster and takes more memory.' },
];

/** How this chat's model is loaded; changing it reloads the model, after asking. */
export function LoadSettings() {
  const [open, setOpen] = useState(false);
  const loaded = useChatModel().resident;
  return (
    <section aria-labelledby="load-heading" className="flex flex-col gap-2 border-t border-zinc-200 pt-3 dark:border-zinc-800">
      <h3 id="load-heading" className={panelHeading}>
        <button type="button" aria-expanded={open} className="inline-flex items-center gap-1 uppercase" onClick={() => setOpen((v) => !v)}>
          {open ? <ChevronDownIcon /> : <ChevronRightIcon />} Load settings
        </button>
      </h3>
      {open &&
        (loaded ? (
          <LoadForm key={`${loaded.modelId}@${loaded.loadedAt}`} loaded={loaded} />
        ) : (
          <p className={cx('text-xs', mutedText)}>Load a model to change how it is loaded.</p>
        ))}
    </section>
  );
}

function LoadForm({ loaded }: { loaded: LoadedModel }) {
  const [form, setForm] = useState<LoadForm>(() => loadFormFrom(loaded.settings));
  const [confirming, setConfirming] = useState(false);
  const busy = useInferenceStore(selectBusy);
  const idBase = useId();
  const trainedContext = useModelsStore(selectModelById(loaded.modelId))?.metadata?.trainedContextLength;
  const cores = useHardwareStore((s) => s.snapshot?.cpu.logicalCores);
  useEffect(() => {
    if (!useHardwareStore.getState().snapshot) void useHardwareStore.getState().fetch();
  }, []);
  const { options, errors, warnings } = validateLoadForm(form, { trainedContext, cores });
  const valid = Object.keys(errors).length === 0;
  const changed = differsFrom(form, loaded.settings);

  const reload = () => {
    setConfirming(false);
    // Remembered by core for this model: a later load from the picker (after an unload, a restart) keeps them.
    void useInferenceStore.getState().load(loaded.modelId, { ...options, remember: true });
  };

  return (
    <div className="flex flex-col gap-2">
      <div className="grid grid-cols-2 gap-x-3 gap-y-2">
        {FIELDS.map(({ key, label, help }) => (
          <div key={key} className={cx('flex min-w-0 flex-col gap-0.5', errors[key] && 'col-span-2')}>
            <label htmlFor={`${idBase}-${key}`} className="text-xs font-medium" title={help}>
              {label}
            </label>
            <input
              id={`${idBase}-${key}`}
              type="text"
              value={form[key]}
              title={help}
              aria-invalid={errors[key] ? true : undefined}
              aria-describedby={errors[key] ? `${idBase}-${key}-error` : undefined}
              onChange={(event) => setForm({ ...form, [key]: event.target.value })}
              className={cx(fieldInput, 'font-mono tabular-nums')}
            />
            {errors[key] && (
              <p id={`${idBase}-${key}-error`} role="alert" className={cx('text-xs', errorText)}>
                {errors[key]}
              </p>
            )}
            {!errors[key] && warnings[key] && (
              <p role="status" className="text-xs text-amber-700 dark:text-amber-400">
                {warnings[key]}
              </p>
            )}
            {key === 'contextSize' && !errors[key] && trainedContext && (
              <p className={cx('text-xs', mutedText)}>Trained for {trainedContext} tokens (the most it can use).</p>
            )}
          </div>
        ))}
      </div>
      <label className="flex items-center gap-2 text-xs font-medium">
        <input type="checkbox" checked={form.flashAttention} onChange={(event) => setForm({ ...form, flashAttention: event.target.checked })} />
        Flash attention
      </label>
      <div className="flex min-w-0 flex-col gap-0.5">
        <label htmlFor={`${idBase}-kv`} className="text-xs font-medium" title="Element type of the KV cache: quantized ones save memory for long contexts (they need flash attention).">
          KV cache type
        </label>
        <select
          id={`${idBase}-kv`}
          value={form.kvCacheType}
          aria-invalid={errors.kvCacheType ? true : undefined}
          aria-describedby={errors.kvCacheType ? `${idBase}-kv-error` : undefined}
          onChange={(event) => setForm({ ...form, kvCacheType: event.target.value as KvCacheType })}
          className={fieldInput}
        >
          {KV_CACHE_CHOICES.map((choice) => (
            <option key={choice.value} value={choice.value}>
              {choice.label}
            </option>
          ))}
        </select>
        {errors.kvCacheType && (
          <p id={`${idBase}-kv-error`} role="alert" className={cx('text-xs', errorText)}>
            {errors.kvCacheType}
          </p>
        )}
      </div>
      <label className="flex items-center gap-2 text-xs font-medium" title="Map the weights from the file (fast load, shared with the OS cache); off reads them into memory.">
        <input type="checkbox" checked={form.mmap} onChange={(event) => setForm({ ...form, mmap: event.target.checked })} />
        Memory-map the weights (mmap)
      </label>
      {confirming ? (
        <div role="alertdialog" aria-label="Reload the model" className="flex flex-col gap-2 rounded-md border border-amber-300 p-2 dark:border-amber-700/60">
          <p className="text-sm">Reload the model with these settings? (Refused while replies are being written: stop them first.)</p>
          <div className="flex gap-2">
            <button type="button" className={primaryButton} onClick={reload} autoFocus>
              Reload
            </button>
            <button type="button" className={secondaryButton} onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </div>
        </div>
      ) : (
        <button type="button" className={secondaryButton} disabled={!changed || !valid || busy} onClick={() => setConfirming(true)}>
          Apply and reload…
        </button>
      )}
    </div>
  );
}
