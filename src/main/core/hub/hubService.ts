import { AppError } from '../../../shared/errors';
import type { HubRepo, HubRepoDetail, HubSearchPage, RemoteRepoFit } from '../../../shared/hubDto';
import type { HubFitArgs, HubSearchArgs } from '../../../shared/hubSchemas';
import type { FitHardware } from '../hardware/fitEstimate';
import { DEFAULT_FIT_CONTEXT } from '../hardware/fitService';
import type { HubClient } from './hubClient';
import type { RemoteFitService } from './remoteFit';

/** How long a repo listing is reused (Download right after opening a repo must not ask the Hub again). */
const REPO_TTL_MS = 5 * 60_000;
/** Listings kept; a person browses a handful of repos at a time. */
const MAX_CACHED_REPOS = 32;

export interface HubServiceOptions {
  client: HubClient;
  remoteFit: RemoteFitService;
  /** This machine as the fit estimator sees it now (memory limit and the loaded model accounted for). */
  fitHardware: () => Promise<FitHardware>;
  now?: () => number;
}

/**
 * The model hub as the contract exposes it: search, a repo opened from whatever a person pasted,
 * and the fit of each of its files before anything is downloaded. Repo listings are cached
 * briefly so that the quant table, the fits and a Download all see the same snapshot.
 */
export class HubService {
  private readonly repos = new Map<string, { at: number; repo: Promise<HubRepo> }>();
  private readonly now: () => number;

  constructor(private readonly options: HubServiceOptions) {
    this.now = options.now ?? Date.now;
  }

  search(args: HubSearchArgs, signal?: AbortSignal): Promise<HubSearchPage> {
    return this.options.client.search({ ...args, ...(signal ? { signal } : {}) });
  }

  /** Opens a repo from a pasted reference; a quant or file in the reference preselects that model. */
  async getRepo(reference: string, signal?: AbortSignal): Promise<HubRepoDetail> {
    const parsed = this.options.client.parseReference(reference);
    const repo = await this.repoAt(parsed.repo, parsed.revision, signal);
    const detail: HubRepoDetail = { repo, reference: parsed };
    if (parsed.file !== undefined || parsed.quant !== undefined) {
      const models = repo.files.filter((file) => !file.projector);
      const match =
        (parsed.file !== undefined ? models.find((file) => file.parts.some((part) => part.path === parsed.file)) : undefined) ??
        (parsed.quant !== undefined ? models.find((file) => file.quant === parsed.quant) : undefined);
      if (match) detail.selected = match.name;
      else {
        const available = [...new Set(models.map((file) => file.quant ?? file.name))].join(', ') || 'none';
        detail.selectionError = `${repo.id} has no ${parsed.file ?? parsed.quant} model. Available: ${available}.`;
      }
    }
    return detail;
  }

  /** The fit of each model of a repo for this machine, from remote headers only. */
  async estimateFits(args: HubFitArgs, signal?: AbortSignal): Promise<RemoteRepoFit> {
    const [repo, hardware] = await Promise.all([this.repoAt(args.repo, args.revision, signal), this.options.fitHardware()]);
    return this.options.remoteFit.estimateRepo({
      repo,
      hardware,
      contextSize: args.contextSize ?? DEFAULT_FIT_CONTEXT,
      ...(signal ? { signal } : {}),
    });
  }

  /** A repo's listing at `revision` (default `main`), from the short cache when fresh. */
  async repoAt(repo: string, revision?: string, signal?: AbortSignal): Promise<HubRepo> {
    const key = `${repo.toLowerCase()}@${revision ?? 'main'}`;
    const cached = this.repos.get(key);
    if (cached && this.now() - cached.at < REPO_TTL_MS) return cached.repo;
    // Not tied to one caller's signal: a cached listing is shared, and one caller leaving must not fail the others.
    const pending = this.options.client.getRepo(repo, revision !== undefined ? { revision } : {});
    this.repos.set(key, { at: this.now(), repo: pending });
    pending.catch(() => this.repos.delete(key));
    while (this.repos.size > MAX_CACHED_REPOS) this.repos.delete(this.repos.keys().next().value!);
    return signal ? abortable(pending, signal) : pending;
  }
}

/** Rejects when `signal` aborts, without cancelling the shared work behind `promise`. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new AppError('BAD_REQUEST', 'cancelled'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new AppError('BAD_REQUEST', 'cancelled'));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
