/**
 * Which model `hearth pull` downloads: the one the reference or `--quant` names, else the
 * Recommended one for this machine (fit, predicted speed and quality loss weighed by the saved
 * preference), estimated from the remote headers before downloading.
 */
import type { HubGgufFile, HubRepo, RemoteFileFit } from '../../shared/hubDto';
import { AppError } from '../../shared/errors';
import { fitLabelText, formatBytes } from '../../shared/format';
import type { HubService } from '../core/hub/hubService';
import type { PullOptions } from './args';
import { CliFailure } from './cliFailure';
import type { Ask } from './prompt';

export interface PullChoice {
  repo: HubRepo;
  file: HubGgufFile;
  /** Branch, tag or commit the reference named; absent for the default branch. */
  revision?: string;
}

export interface ChooseDeps {
  hub: Pick<HubService, 'getRepo' | 'estimateFits'>;
  /** Prompt on a terminal; absent when there is none. */
  ask: Ask | undefined;
  /** Where the one line explaining the pick goes. */
  say: (line: string) => void;
  signal: AbortSignal;
}

/** Resolves the reference and picks the model; throws {@link CliFailure} with the reason. */
export async function choosePullModel(options: PullOptions, deps: ChooseDeps): Promise<PullChoice> {
  let detail;
  try {
    detail = await deps.hub.getRepo(options.reference, deps.signal);
  } catch (error) {
    // A reference that cannot be parsed is a bad argument; the Hub's answers (not found, offline) are not.
    if (error instanceof AppError && error.code === 'BAD_REQUEST' && !deps.signal.aborted) throw new CliFailure(error.message, 2);
    throw error;
  }
  const { repo, reference } = detail;
  const revision = reference.revision !== undefined ? { revision: reference.revision } : {};
  const models = repo.files.filter((file) => !file.projector);
  if (models.length === 0) throw new CliFailure(`${repo.id} has no GGUF models to download.`, 1);
  const available = `Available: ${[...new Set(models.map((file) => file.quant ?? file.name))].join(', ')}.`;

  if (options.quant !== undefined) {
    const named = reference.quant ?? reference.file;
    if (named !== undefined && reference.quant !== options.quant) {
      throw new CliFailure(`--quant ${options.quant} and the reference's ${named} disagree: give one of them.`, 2);
    }
    const file = models.find((candidate) => candidate.quant === options.quant);
    if (!file) throw new CliFailure(`${repo.id} has no ${options.quant} model. ${available}`, 1);
    return { repo, file, ...revision };
  }
  if (detail.selectionError !== undefined) throw new CliFailure(detail.selectionError, 1);
  if (detail.selected !== undefined) {
    const file = models.find((candidate) => candidate.name === detail.selected);
    if (file) return { repo, file, ...revision };
  }
  return { repo, file: await recommended(repo, models, options, deps, available, reference.revision), ...revision };
}

/** The Recommended model of the repo, said why in one line; asks (or refuses) when nothing fits. */
async function recommended(
  repo: HubRepo,
  models: HubGgufFile[],
  options: PullOptions,
  deps: ChooseDeps,
  available: string,
  revision: string | undefined,
): Promise<HubGgufFile> {
  deps.say(`Estimating which model of ${repo.id} fits this machine…`);
  // The same revision as the listing above, so the Hub service answers from its cached listing.
  const fits = await deps.hub.estimateFits(
    { repo: repo.id, ...(revision !== undefined ? { revision } : {}), ...(options.contextSize !== undefined ? { contextSize: options.contextSize } : {}) },
    deps.signal,
  );
  const fileOf = (fit: RemoteFileFit): HubGgufFile | undefined => models.find((file) => file.name === fit.name);
  const best = fits.files.find((fit) => fit.recommended);
  const bestFile = best ? fileOf(best) : undefined;
  if (best && bestFile) {
    const label = best.estimate ? fitLabelText[best.estimate.label] : 'fit unknown';
    const context = best.estimate ? ` at ${best.estimate.contextSize} tokens of context` : '';
    // The reason names the quantization, its fit, predicted speed and quality loss (hardware/recommend.ts).
    deps.say(`Recommended: ${best.name} (${formatBytes(best.sizeBytes)}, ${label}${context}): ${best.recommendation ?? 'the best fit here'}.`);
    return bestFile;
  }
  const estimated = fits.files.filter((fit) => fit.estimate !== null);
  if (estimated.length === 0) {
    // Every header failed the same way in practice (gated, offline): that reason is the one to show.
    const reason = fits.files.find((fit) => fit.error !== undefined)?.error ?? 'no header could be read';
    const hint = repo.gated === false ? ` Name a quant to download without the estimate (${repo.id}:QUANT). ${available}` : '';
    throw new CliFailure(`Could not estimate any model of ${repo.id}: ${reason}${hint}`, 1);
  }
  const smallest = [...models].sort((a, b) => a.size - b.size)[0]!;
  const labels = estimated.map((fit) => `${fit.quant ?? fit.name} ${formatBytes(fit.sizeBytes)} ${fitLabelText[fit.estimate!.label]}`).join(', ');
  const question = `Nothing in ${repo.id} fits this machine (${labels}). Download the smallest, ${smallest.name} (${formatBytes(smallest.size)}), anyway?`;
  if (options.yes) {
    deps.say(`Nothing in ${repo.id} fits this machine (${labels}); downloading the smallest, ${smallest.name}, as --yes asks.`);
    return smallest;
  }
  if (deps.ask && (await deps.ask(question))) return smallest;
  throw new CliFailure(`Nothing in ${repo.id} fits this machine (${labels}). Name a quant (${repo.id}:QUANT) or pass --yes to download the smallest anyway.`, 1);
}
