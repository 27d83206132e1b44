/**
 * `hearth rm <model>`: deletes a model through the library service (every part of a split
 * model, and nothing outside the models folder), after a confirmation on a terminal or `--yes`.
 */
import type { ModelInfo } from '../../shared/dto';
import { formatBytes } from '../../shared/format';
import type { LibraryService } from '../core/library/libraryService';
import type { RmOptions } from './args';
import type { Ask } from './prompt';
import { CliFailure } from './cliFailure';

export interface RmDeps {
  library: Pick<LibraryService, 'listModels' | 'deleteModel'>;
  modelsDir: string;
  say: (line: string) => void;
  err: (text: string) => void;
  /** Terminal prompt; absent without a terminal. */
  ask: Ask | undefined;
}

/** Runs `hearth rm`; returns the exit code (0 deleted or kept on "no", 1 not found, 2 ambiguous or unconfirmed). */
export async function rmCommand(options: RmOptions, deps: RmDeps): Promise<number> {
  try {
    const model = findModel(await deps.library.listModels(), options.model, deps.modelsDir);
    const what = `${model.id} (${formatBytes(model.sizeBytes)})`;
    if (!options.yes) {
      if (!deps.ask) throw new CliFailure(`not deleting ${what} without a confirmation: run it in a terminal, or pass --yes.`, 2);
      if (!(await deps.ask(`Delete ${what}?`))) {
        deps.say('Kept it.');
        return 0;
      }
    }
    const { deleted } = await deps.library.deleteModel(model.id);
    deps.say(`Deleted ${what}: ${deleted.length === 1 ? '1 file' : `${deleted.length} files`}.`);
    return 0;
  } catch (error) {
    const code = error instanceof CliFailure ? error.exitCode : 1;
    deps.err(`hearth: ${error instanceof Error ? error.message : String(error)}\n`);
    return code;
  }
}

/**
 * The model `name` means: its library id, else the one model with that file name (a file name
 * can repeat across repos, and deleting the wrong one cannot be undone, so several is an error).
 */
export function findModel(models: ModelInfo[], name: string, modelsDir: string): ModelInfo {
  const wanted = name.split('\\').join('/');
  const byId = models.find((model) => model.id === wanted);
  if (byId) return byId;
  const byName = models.filter((model) => model.fileName === wanted);
  if (byName.length === 1) return byName[0]!;
  if (byName.length > 1) {
    throw new CliFailure(`"${name}" names ${byName.length} models; give the id of one: ${byName.map((model) => model.id).join(', ')}.`, 2);
  }
  throw new CliFailure(`No model "${name}" in ${modelsDir} (hearth ls lists them).`, 1);
}
