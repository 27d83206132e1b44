import { readFile } from 'node:fs/promises';
import { allStarterCandidates } from '../../core/hub/starterModels';
import { defaultFixtureCacheDir, ensureFixtureModel } from '../../fixtures/gguf/generateModel';
import { makeFixtureRepo, type FixtureRepo } from './hubFixtureRepos';

/**
 * The first-run screen's starter repos, served by the stand-in Hub under their real names and
 * licences (from `core/hub/starterModels.ts`, the same data the app reads), each holding a tiny
 * generated model named after the starter. So tests run the real path — data file → Hub listing
 * → fit from the remote header → download → load — without any test switch in the app; only
 * `HF_ENDPOINT` points elsewhere, as it does for any mirror.
 *
 * Opt-in (`startHubFixtureServer({ extraRepos: await starterFixtureRepos() })`) so the search
 * pages other tests count stay as they were.
 */
export async function starterFixtureRepos(): Promise<FixtureRepo[]> {
  const cache = defaultFixtureCacheDir();
  const repos: FixtureRepo[] = [];
  for (const starter of allStarterCandidates()) {
    const path = await ensureFixtureModel(cache, { preset: 'tiny', type: 'Q4_0', name: starter.title });
    const base = starter.repo.split('/')[1]!.replace(/-GGUF$/i, '');
    const repo = makeFixtureRepo(starter.repo, [{ path: `${base}-${starter.quant}.gguf`, bytes: await readFile(path) }]);
    repos.push({ ...repo, license: starter.licence, downloads: 50, likes: 1 });
  }
  return repos;
}
