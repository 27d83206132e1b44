import type { StarterList, StarterModel } from '../../../shared/licenceDto';
import { toErrorShape } from '../../../shared/errors';
import type { FitHardware } from '../hardware/fitEstimate';
import { DEFAULT_FIT_CONTEXT } from '../hardware/fitService';
import type { HubService } from './hubService';
import type { LicenceService } from './licence';
import type { RemoteFitService } from './remoteFit';
import { tierFor, type StarterCandidate } from './starterModels';

export interface StarterServiceOptions {
  hub: Pick<HubService, 'repoAt'>;
  remoteFit: Pick<RemoteFitService, 'estimateRepo'>;
  licences: Pick<LicenceService, 'check'>;
  fitHardware: () => Promise<FitHardware>;
}

/**
 * The first-run screen's three models for this machine: the group of `starterModels.ts` that
 * suits it, each resolved against the Hub (the file of the chosen quant, its real size and
 * licence) with its fit from the remote header. Only one header per starter is read, so the
 * screen costs three small range requests, not a whole repo's worth.
 */
export class StarterService {
  constructor(private readonly options: StarterServiceOptions) {}

  async list(signal?: AbortSignal): Promise<StarterList> {
    const hardware = await this.options.fitHardware();
    const tier = tierFor(hardware);
    const starters = await Promise.all(tier.starters.map((candidate) => this.resolve(candidate, hardware, signal)));
    // The first that can be downloaded and will not be too large; the data's order otherwise.
    const pick = starters.find((s) => !s.error && s.fit?.estimate?.label !== 'too-large') ?? starters.find((s) => !s.error);
    if (pick) pick.recommended = true;
    return { tier: `Chosen for ${tier.description}`, starters };
  }

  private async resolve(candidate: StarterCandidate, hardware: FitHardware, signal?: AbortSignal): Promise<StarterModel> {
    const base = {
      repo: candidate.repo,
      quant: candidate.quant,
      title: candidate.title,
      goodAt: candidate.goodAt,
      recommended: false,
    };
    let repo;
    try {
      repo = await this.options.hub.repoAt(candidate.repo, undefined, signal);
    } catch (error) {
      return {
        ...base,
        sizeBytes: candidate.approxSizeBytes,
        licence: await this.options.licences.check({ licence: candidate.licence }),
        fit: null,
        error: toErrorShape(error).message,
      };
    }
    const licence = await this.options.licences.check({ licence: repo.license ?? candidate.licence });
    const file = repo.files.find((f) => !f.projector && f.quant === candidate.quant);
    if (!file) {
      return { ...base, sizeBytes: candidate.approxSizeBytes, licence, fit: null, error: `${repo.id} has no ${candidate.quant} file any more.` };
    }
    let fit: StarterModel['fit'] = null;
    try {
      const fits = await this.options.remoteFit.estimateRepo({ repo: { ...repo, files: [file] }, hardware, contextSize: DEFAULT_FIT_CONTEXT, ...(signal ? { signal } : {}) });
      fit = fits.files[0] ?? null;
    } catch {
      // Only the fit is missing: the model can still be downloaded.
    }
    return { ...base, ...(repo.sha ? { revision: repo.sha } : {}), file: file.name, sizeBytes: file.size, licence, fit };
  }
}
