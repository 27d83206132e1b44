import { useEffect, useId, useRef, useState } from 'react';
import type { ModelInfo } from '../../../../shared/dto';
import { formatBytes } from '../../shared/lib/format';
import { cx, errorText, mutedText, secondaryButton } from '../../shared/components/ui';
import { useLibraryStore } from './library';

const dangerButton =
  'inline-flex items-center justify-center rounded-md bg-red-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-red-800 disabled:cursor-not-allowed disabled:opacity-50';

/**
 * Delete, confirmed in a modal dialog that says what goes (size, path); Cancel has the focus.
 * Models in the Hugging Face cache are shared with other tools and are not offered.
 */
export function DeleteModelButton({ model, label }: { model: ModelInfo; label: string }) {
  const [open, setOpen] = useState(false);
  if (model.folder?.kind === 'hf-cache') return null;
  return (
    <>
      <button type="button" className={cx(secondaryButton, 'px-2 py-0.5 text-xs')} aria-label={`Delete ${label}`} onClick={() => setOpen(true)}>
        Delete
      </button>
      {open && <ConfirmDelete model={model} label={label} onClose={() => setOpen(false)} />}
    </>
  );
}

function ConfirmDelete({ model, label, onClose }: { model: ModelInfo; label: string; onClose(): void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const [deleting, setDeleting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const deleteModel = useLibraryStore((s) => s.deleteModel);
  const titleId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);

  const confirm = async () => {
    setDeleting(true);
    const message = await deleteModel(model.id);
    setDeleting(false);
    if (message === null) onClose();
    else setError(message);
  };

  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onClose={onClose}
      className="m-auto max-w-md rounded-lg border border-zinc-200 bg-white p-5 text-sm text-zinc-900 shadow-xl backdrop:bg-black/40 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100"
    >
      <h2 id={titleId} className="text-base font-semibold">
        Delete {label}?
      </h2>
      {model.linked ? (
        <p className="mt-2">
          This removes the link from your library; the file it points to stays where it is (no disk space is freed).
        </p>
      ) : (
        <p className="mt-2">
          This removes {formatBytes(model.sizeBytes)} from disk{model.folder?.kind === 'models' || !model.folder ? '' : ` (in ${model.folder.path})`}. It
          cannot be undone.
        </p>
      )}
      <p className={cx('mt-1 font-mono text-xs break-all', mutedText)}>{model.path}</p>
      {error && (
        <p role="alert" className={cx('mt-2 text-xs', errorText)}>
          {error}
        </p>
      )}
      <div className="mt-4 flex justify-end gap-2">
        <button type="button" className={secondaryButton} autoFocus onClick={() => ref.current?.close()}>
          Cancel
        </button>
        <button type="button" className={dangerButton} disabled={deleting} onClick={() => void confirm()}>
          {deleting ? 'Deleting…' : 'Delete'}
        </button>
      </div>
    </dialog>
  );
}
