import { useAppInfoStore } from '../../app/appInfo';
import { link, mutedText } from '../../shared/components/ui';

/** No models yet: say where to put them (the models folder) and what to do next. */
export function ModelsEmptyState() {
  const modelsDir = useAppInfoStore((s) => s.info?.modelsDir);
  return (
    <section
      aria-labelledby="models-empty-heading"
      className="mt-6 max-w-xl rounded-lg border border-dashed border-zinc-300 p-6 dark:border-zinc-700"
    >
      <h2 id="models-empty-heading" className="text-base font-semibold">
        No models yet
      </h2>
      <p className={`mt-2 ${mutedText}`}>
        Put <code className="font-mono">.gguf</code> model files in your models folder, then press Refresh:
      </p>
      <p className="mt-2 rounded bg-zinc-100 px-2 py-1 font-mono text-xs break-all dark:bg-zinc-900" data-testid="models-dir">
        {modelsDir ?? 'models folder unknown'}
      </p>
      <p className={`mt-2 ${mutedText}`}>
        Subfolders in LM Studio&apos;s layout (<code className="font-mono">publisher/repo/model.gguf</code>) work too.
      </p>
      <p className="mt-3">
        <a href="#/welcome" className={link}>
          See the starter models for this machine
        </a>{' '}
        <span className={mutedText}>(one click to a first chat), or</span>{' '}
        <a href="#/discover" className={link}>
          find a model in Discover
        </a>
        .
      </p>
    </section>
  );
}
