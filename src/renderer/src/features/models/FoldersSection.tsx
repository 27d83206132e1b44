import { useEffect, useId, useState, type FormEvent } from 'react';
import type { LibraryFolder } from '../../../../shared/dto';
import { badge, cx, errorText, mutedText, secondaryButton } from '../../shared/components/ui';
import { folderKindText, splitFolders, useLibraryStore } from './library';

const smallButton = cx(secondaryButton, 'px-2 py-0.5 text-xs');
const inputClasses = 'min-w-0 flex-1 rounded-md border border-zinc-300 bg-white px-2.5 py-1 font-mono text-xs dark:border-zinc-700 dark:bg-zinc-900';

/**
 * Where the library looks: the models folder, folders added in place (never copied), and the
 * LM Studio folder / Hugging Face cache Hearth found, offered with Add. Remove only stops listing.
 */
export function FoldersSection() {
  const folders = useLibraryStore((s) => s.folders);
  const listed = useLibraryStore((s) => s.listed);
  const error = useLibraryStore((s) => s.error);
  const refreshFolders = useLibraryStore((s) => s.refreshFolders);
  useEffect(() => {
    void refreshFolders();
  }, [refreshFolders]);
  const { added, suggested } = splitFolders(folders);

  return (
    <section aria-labelledby="folders-heading" className="mt-8 max-w-3xl">
      <h2 id="folders-heading" className="text-base font-semibold">
        Folders
      </h2>
      <p className={cx('mt-1 text-xs', mutedText)}>Models in these folders are listed in place; removing a folder never deletes a file.</p>
      {error && (
        <p role="alert" className={cx('mt-2 text-xs', errorText)}>
          Could not list the folders: {error}
        </p>
      )}
      {!listed && !error && <p className={cx('mt-2', mutedText)}>Reading folders…</p>}
      {added.length > 0 && (
        <ul aria-label="Library folders" className="mt-2 divide-y divide-zinc-100 rounded-md border border-zinc-200 dark:divide-zinc-800 dark:border-zinc-800">
          {added.map((folder) => (
            <FolderRow key={folder.path} folder={folder} />
          ))}
        </ul>
      )}
      {suggested.length > 0 && (
        <>
          <h3 className="mt-4 text-sm font-medium">Found on this computer</h3>
          <ul aria-label="Suggested folders" className="mt-1 divide-y divide-zinc-100 rounded-md border border-dashed border-zinc-300 dark:divide-zinc-800 dark:border-zinc-700">
            {suggested.map((folder) => (
              <FolderRow key={folder.path} folder={folder} />
            ))}
          </ul>
        </>
      )}
      <AddFolderForm />
    </section>
  );
}

function FolderRow({ folder }: { folder: LibraryFolder }) {
  const busy = useLibraryStore((s) => s.busyPath === folder.path);
  const folderError = useLibraryStore((s) => (s.folderError?.path === folder.path ? s.folderError.message : null));
  const addFolder = useLibraryStore((s) => s.addFolder);
  const removeFolder = useLibraryStore((s) => s.removeFolder);
  return (
    <li aria-label={folder.path} className="flex flex-wrap items-center gap-x-3 gap-y-1 px-3 py-2">
      <div className="min-w-0 flex-1">
        <div className="font-mono text-xs break-all">{folder.path}</div>
        <div className={cx('text-xs', mutedText)}>
          {folderKindText(folder.kind)}
          {folder.modelCount !== undefined && ` · ${folder.modelCount} ${folder.modelCount === 1 ? 'model' : 'models'}`}
        </div>
        {folderError && (
          <p role="alert" className={cx('text-xs', errorText)}>
            {folderError}
          </p>
        )}
      </div>
      {!folder.exists && <span className={cx(badge, 'bg-red-50 text-red-700 dark:bg-red-950 dark:text-red-300')}>Missing</span>}
      {folder.added && folder.kind !== 'models' && (
        <button type="button" className={smallButton} aria-label={`Remove ${folder.path}`} disabled={busy} onClick={() => void removeFolder(folder.path)}>
          Remove
        </button>
      )}
      {!folder.added && (
        <button type="button" className={smallButton} aria-label={`Add ${folder.path}`} disabled={busy} onClick={() => void addFolder(folder.path)}>
          Add
        </button>
      )}
    </li>
  );
}

function AddFolderForm() {
  const [path, setPath] = useState('');
  const busy = useLibraryStore((s) => s.busyPath !== null && s.busyPath === path.trim());
  const folderError = useLibraryStore((s) => s.folderError);
  const folders = useLibraryStore((s) => s.folders);
  const addFolder = useLibraryStore((s) => s.addFolder);
  const id = useId();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (await addFolder(path.trim())) setPath('');
  };
  // An error for a path that is not one of the listed folders belongs to this form.
  const formError = folderError && !folders.some((f) => f.path === folderError.path) ? folderError.message : null;
  return (
    <form onSubmit={(event) => void submit(event)} className="mt-3">
      <div className="flex flex-wrap items-center gap-2">
        <label htmlFor={id} className="text-xs font-medium">
          Folder path
        </label>
        <input id={id} value={path} onChange={(event) => setPath(event.target.value)} placeholder="/path/to/models" className={inputClasses} />
        <button type="submit" className={smallButton} disabled={path.trim() === '' || busy}>
          Add folder
        </button>
      </div>
      {formError && (
        <p role="alert" className={cx('mt-1 text-xs', errorText)}>
          Could not add the folder: {formError}
        </p>
      )}
    </form>
  );
}
