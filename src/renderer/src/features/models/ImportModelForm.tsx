import { useId, useState, type FormEvent } from 'react';
import { cx, errorText, mutedText, secondaryButton } from '../../shared/components/ui';
import { useLibraryStore, type ImportMode } from './library';
import { modelDisplayName } from './models';

const MODES: { value: ImportMode; text: string }[] = [
  { value: 'copy', text: 'Copy (keep the original)' },
  { value: 'move', text: 'Move (remove the original)' },
  { value: 'link', text: 'Link (leave it where it is)' },
];

const inputClasses = 'rounded-md border border-zinc-300 bg-white px-2.5 py-1 text-xs dark:border-zinc-700 dark:bg-zinc-900';

/** Brings one GGUF file (all parts of a split one) into the models folder by path; never overwrites. */
export function ImportModelForm() {
  const [path, setPath] = useState('');
  const [mode, setMode] = useState<ImportMode>('copy');
  const importing = useLibraryStore((s) => s.importing);
  const result = useLibraryStore((s) => s.importResult);
  const importModel = useLibraryStore((s) => s.importModel);
  const pathId = useId();
  const modeId = useId();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void importModel(path.trim(), mode);
  };
  return (
    <section aria-labelledby="import-heading" className="mt-8 max-w-3xl">
      <h2 id="import-heading" className="text-base font-semibold">
        Import a model file
      </h2>
      <form onSubmit={submit} className="mt-2 flex flex-wrap items-center gap-2">
        <label htmlFor={pathId} className="text-xs font-medium">
          GGUF file path
        </label>
        <input
          id={pathId}
          value={path}
          onChange={(event) => setPath(event.target.value)}
          placeholder="/path/to/model.gguf"
          className={cx(inputClasses, 'min-w-0 flex-1 font-mono')}
        />
        <label htmlFor={modeId} className="text-xs font-medium">
          Import mode
        </label>
        <select id={modeId} value={mode} onChange={(event) => setMode(event.target.value as ImportMode)} className={inputClasses}>
          {MODES.map((choice) => (
            <option key={choice.value} value={choice.value}>
              {choice.text}
            </option>
          ))}
        </select>
        <button type="submit" className={cx(secondaryButton, 'px-2 py-0.5 text-xs')} disabled={path.trim() === '' || importing}>
          {importing ? 'Importing…' : 'Import'}
        </button>
      </form>
      <div aria-live="polite">
        {result?.ok && (
          <p className={cx('mt-1 text-xs', mutedText)}>
            Imported {modelDisplayName(result.model)} as <span className="font-mono">{result.model.id}</span>.
          </p>
        )}
      </div>
      {result && !result.ok && (
        <p role="alert" className={cx('mt-1 text-xs', errorText)}>
          Could not import: {result.message}
        </p>
      )}
    </section>
  );
}
