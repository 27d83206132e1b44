import { ModelsEmptyState } from './ModelsEmptyState';
import { ModelTable } from './ModelTable';
import { FitContextControl } from './FitContextControl';
import { FoldersSection } from './FoldersSection';
import { ImportModelForm } from './ImportModelForm';
import { errorText, mutedText, secondaryButton } from '../../shared/components/ui';
import { useModelsStore } from './models';

/** `#/models`: the GGUF files in the models folder, with their fit on this machine and Load / Unload. */
export function ModelsView() {
  const models = useModelsStore((s) => s.models);
  const listing = useModelsStore((s) => s.loading);
  const listed = useModelsStore((s) => s.listed);
  const error = useModelsStore((s) => s.error);
  const refresh = useModelsStore((s) => s.refresh);

  return (
    <div className="h-full overflow-y-auto p-6">
      <div className="flex items-center justify-between gap-4">
        <h1 className="text-lg font-semibold">My Models</h1>
        <button type="button" className={secondaryButton} aria-busy={listing} onClick={() => void refresh()}>
          Refresh
        </button>
      </div>
      {error && (
        <p role="alert" className={`mt-3 ${errorText}`}>
          Could not list the models folder: {error}
        </p>
      )}
      {!listed && listing && <p className={`mt-4 ${mutedText}`}>Reading the models folder…</p>}
      {listed && models.length === 0 && <ModelsEmptyState />}
      {models.length > 0 && (
        <>
          <FitContextControl />
          <ModelTable models={models} />
        </>
      )}
      <ImportModelForm />
      <FoldersSection />
    </div>
  );
}
