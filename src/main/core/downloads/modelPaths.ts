import { basename, dirname, join } from 'node:path';
import { AppError } from '../../../shared/errors';

/**
 * Where a repo file lands: `<modelsDir>/<owner>/<repo>/<path>` (LM Studio's layout, so its
 * users can point both apps at one folder). Names come from a remote listing, so anything that
 * could climb out of the models folder is refused.
 */
export function partTarget(modelsDir: string, repo: string, path: string): { final: string; partial: string } {
  const segments = [...repo.split('/'), ...path.split('/')];
  const repoSegments = repo.split('/').length;
  if (repoSegments !== 2 || segments.some((s) => s === '' || s === '.' || s === '..' || s.includes('\\') || s.includes('\0'))) {
    throw new AppError('BAD_REQUEST', `Refusing to download "${repo}/${path}": the name is not a safe file path.`);
  }
  const final = join(modelsDir, ...segments);
  // A dot-file next to the target: same file system (so the rename is atomic) and hidden from the library scan.
  return { final, partial: join(dirname(final), `.${basename(final)}.part`) };
}

/** The library's id of a downloaded model: its first part, relative to the models folder, with `/`. */
export function modelIdOf(repo: string, firstPartPath: string): string {
  return `${repo}/${firstPartPath}`;
}
