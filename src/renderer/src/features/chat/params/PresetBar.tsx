import { useEffect, useState, type FormEvent } from 'react';
import { isBuiltInPresetName, MAX_PRESET_NAME } from '../../../../../shared/presets';
import { errorMessage } from '../../../api/errors';
import { CloseIcon } from '../../../shared/components/icons';
import { cx, errorText, mutedText, primaryButton, secondaryButton } from '../../../shared/components/ui';
import { fieldInput, iconButton, panelHeading } from '../chatUi';
import { useParamsStore } from './paramsStore';
import { replacesOwnPrompt, type Preset } from './presets';

/** Presets from core: apply a built-in or saved one; save the current fields under a name; delete a saved one. */
export function PresetBar() {
  const presets = useParamsStore((s) => s.presets);
  const presetError = useParamsStore((s) => s.presetError);
  const hasErrors = useParamsStore((s) => Object.keys(s.validated.errors).length > 0);
  const [name, setName] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  /** A preset whose system prompt would replace the user's own: waiting for their answer. */
  const [confirming, setConfirming] = useState<Preset | null>(null);
  const store = useParamsStore.getState;
  const apply = (preset: Preset) => {
    if (replacesOwnPrompt(store().draft, preset, presets)) setConfirming(preset);
    else store().applyPreset(preset);
  };
  const answer = (keepSystemPrompt: boolean) => {
    if (confirming) store().applyPreset(confirming, keepSystemPrompt);
    setConfirming(null);
  };

  useEffect(() => {
    void store().loadPresets();
  }, [store]);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    const trimmed = name.trim();
    if (isBuiltInPresetName(trimmed)) {
      setMessage(`“${trimmed}” is a built-in preset; pick another name.`);
      return;
    }
    try {
      if (await store().savePreset(trimmed)) {
        setMessage(`Saved “${trimmed}”.`);
        setName('');
      } else {
        setMessage('Fix the fields marked in red first.');
      }
    } catch (error) {
      setMessage(`Could not save “${trimmed}”: ${errorMessage(error)}`);
    }
  };

  const chip = cx(secondaryButton, 'px-2 py-1 text-xs');
  return (
    <section aria-labelledby="presets-heading" className="flex flex-col gap-2">
      <h3 id="presets-heading" className={panelHeading}>
        Presets
      </h3>
      <ul className="flex flex-wrap gap-1.5" aria-label="Presets">
        {presets.map((preset) =>
          preset.builtIn ? (
            <li key={preset.name}>
              <button type="button" className={chip} onClick={() => apply(preset)} title={`Apply ${preset.name}`}>
                {preset.name}
              </button>
            </li>
          ) : (
            <li key={preset.name} className="inline-flex items-center">
              <button type="button" className={cx(chip, 'rounded-r-none')} onClick={() => apply(preset)} title={`Apply ${preset.name}`}>
                {preset.name}
              </button>
              <button
                type="button"
                className={cx(chip, 'rounded-l-none border-l-0 px-1')}
                aria-label={`Delete preset ${preset.name}`}
                title="Delete preset"
                onClick={() => void store().deletePreset(preset.name)}
              >
                <CloseIcon className="size-3" />
              </button>
            </li>
          ),
        )}
      </ul>
      {confirming && (
        <div role="alertdialog" aria-label="Replace your system prompt" className="flex flex-col gap-2 rounded-md border border-amber-300 p-2 dark:border-amber-700/60">
          <p className="text-sm">“{confirming.name}” has its own system prompt. Replace the one you wrote?</p>
          <div className="flex flex-wrap gap-2">
            <button type="button" className={primaryButton} onClick={() => answer(false)}>
              Replace it
            </button>
            <button type="button" className={secondaryButton} onClick={() => answer(true)} autoFocus>
              Keep mine
            </button>
            <button type="button" className={secondaryButton} onClick={() => setConfirming(null)}>
              Cancel
            </button>
          </div>
        </div>
      )}
      <form onSubmit={(event) => void save(event)} className="flex gap-1.5">
        <input aria-label="Preset name" placeholder="Name for these settings" value={name} onChange={(e) => setName(e.target.value)} maxLength={MAX_PRESET_NAME} className={fieldInput} />
        <button type="submit" className={cx(iconButton, 'shrink-0 border border-zinc-300 dark:border-zinc-700')} disabled={!name.trim() || hasErrors}>
          Save preset
        </button>
      </form>
      {message && (
        <p role="status" className={cx('text-xs', mutedText)}>
          {message}
        </p>
      )}
      {presetError && (
        <p role="alert" className={cx('text-xs', errorText)}>
          {presetError}
        </p>
      )}
      <p className={cx('text-xs', mutedText)}>Presets are kept by Hearth, for every window.</p>
    </section>
  );
}
