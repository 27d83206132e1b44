import { useState, type FormEvent } from 'react';
import { CloseIcon } from '../../../shared/components/icons';
import { cx, mutedText, secondaryButton } from '../../../shared/components/ui';
import { fieldInput, iconButton, panelHeading } from '../chatUi';
import { useParamsStore } from './paramsStore';
import { BUILT_IN_PRESETS } from './presets';

/** Presets: apply a built-in or saved one; save the current fields under a name; delete a saved one. */
export function PresetBar() {
  const userPresets = useParamsStore((s) => s.userPresets);
  const hasErrors = useParamsStore((s) => Object.keys(s.validated.errors).length > 0);
  const [name, setName] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const store = useParamsStore.getState;

  const save = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = name.trim();
    if (BUILT_IN_PRESETS.some((p) => p.name.toLowerCase() === trimmed.toLowerCase())) {
      setMessage(`“${trimmed}” is a built-in preset; pick another name.`);
      return;
    }
    if (store().savePreset(trimmed)) {
      setMessage(`Saved “${trimmed}”.`);
      setName('');
    } else {
      setMessage('Fix the fields marked in red first.');
    }
  };

  const chip = cx(secondaryButton, 'px-2 py-1 text-xs');
  return (
    <section aria-labelledby="presets-heading" className="flex flex-col gap-2">
      <h3 id="presets-heading" className={panelHeading}>
        Presets
      </h3>
      <ul className="flex flex-wrap gap-1.5" aria-label="Presets">
        {BUILT_IN_PRESETS.map((preset) => (
          <li key={preset.name}>
            <button type="button" className={chip} onClick={() => store().applyPreset(preset)} title={`Apply ${preset.name}`}>
              {preset.name}
            </button>
          </li>
        ))}
        {userPresets.map((preset) => (
          <li key={preset.name} className="inline-flex items-center">
            <button type="button" className={cx(chip, 'rounded-r-none')} onClick={() => store().applyPreset(preset)} title={`Apply ${preset.name}`}>
              {preset.name}
            </button>
            <button
              type="button"
              className={cx(chip, 'rounded-l-none border-l-0 px-1')}
              aria-label={`Delete preset ${preset.name}`}
              title="Delete preset"
              onClick={() => store().deletePreset(preset.name)}
            >
              <CloseIcon className="size-3" />
            </button>
          </li>
        ))}
      </ul>
      <form onSubmit={save} className="flex gap-1.5">
        <input aria-label="Preset name" placeholder="Name for these settings" value={name} onChange={(e) => setName(e.target.value)} maxLength={60} className={fieldInput} />
        <button type="submit" className={cx(iconButton, 'shrink-0 border border-zinc-300 dark:border-zinc-700')} disabled={!name.trim() || hasErrors}>
          Save preset
        </button>
      </form>
      {message && (
        <p role="status" className={cx('text-xs', mutedText)}>
          {message}
        </p>
      )}
      <p className={cx('text-xs', mutedText)}>Your presets are kept in this browser.</p>
    </section>
  );
}
