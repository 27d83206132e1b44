/**
 * Fit per file before download: each GGUF model of a Hub repo gets a fit label, its memory
 * estimate and the Recommended tag, from its remote header only (no weights are downloaded).
 */
import type { GgufFileInfo } from 'node-llama-cpp';
import { AppError } from '../../../shared/errors';
import { bytesPerToken } from '../bench/bytesPerToken';
import { estimateFit, recommend, type FitHardware, type RecommendContext } from '../hardware/fitEstimate';
import type { HubClient } from './hubClient';
import type { HubFilePart, HubGgufFile, HubRepo } from './hubTypes';
import type { RemoteFileFit, RemoteRepoFit } from '../../../shared/hubDto';

export type { RemoteFileFit, RemoteRepoFit } from '../../../shared/hubDto';
import { readRemoteHeader } from './remoteHeader';
import { declaredPartCount, parameterCount, spliceParts } from './remoteSplit';

/** Headers read at once: each holds a parsed header in memory and a connection open. */
const CONCURRENCY = 2;
const DEFAULT_FILE_TIMEOUT_MS = 30_000;

export interface EstimateRepoArgs {
  repo: HubRepo;
  hardware: FitHardware;
  /** Context per sequence, in tokens; capped to each model's trained length. */
  contextSize: number;
  signal?: AbortSignal;
}

export interface RemoteFitOptions {
  hub: Pick<HubClient, 'headFile' | 'fileUrl' | 'endpoint'>;
  /** Sent only to the Hub's own host, and only when it serves the bytes without a redirect. */
  token?: string | undefined;
  /** Per model (all its parts), in ms; default 30 000. */
  fileTimeoutMs?: number;
  /** Machine profile, preference and quality source the recommendation weighs; defaults when absent. */
  recommendContext?: () => Promise<Partial<RecommendContext>>;
}

interface Header {
  info: GgufFileInfo;
  bytesRead: number;
}

/** Reads remote GGUF headers and estimates how each model of a repo would fit here. */
export class RemoteFitService {
  /** By `repo@sha/name`: a commit's files never change, so a parsed header stays valid. */
  private readonly headers = new Map<string, Promise<Header>>();

  constructor(private readonly options: RemoteFitOptions) {}

  /**
   * One line per GGUF model of `repo` (projectors skipped): its estimate or the reason there is
   * none. Never throws for a file that cannot be read; throws only when `signal` aborts.
   */
  async estimateRepo(args: EstimateRepoArgs): Promise<RemoteRepoFit> {
    const models = args.repo.files.filter((file) => !file.projector);
    const fits = new Array<{ fit: RemoteFileFit; bytesPerToken?: number }>(models.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < models.length) {
        const index = next++;
        fits[index] = await this.fitOf(args, models[index]!);
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, models.length) }, worker));
    args.signal?.throwIfAborted();
    const { reasons, tradeoffs } = recommend(
      fits.map(({ fit, bytesPerToken }) => ({
        modelId: fit.name,
        group: args.repo.id,
        bitsPerWeight: fit.bitsPerWeight,
        quantization: fit.quant ?? fit.name,
        estimate: fit.estimate,
        fileKey: `${args.repo.id}/${fit.name}`,
        ...(fit.parameterCount !== undefined ? { parameterCount: fit.parameterCount } : {}),
        ...(bytesPerToken !== undefined ? { bytesPerToken } : {}),
      })),
      (await this.options.recommendContext?.()) ?? {},
    );
    const files = fits.map(({ fit }) => {
      const tradeoff = tradeoffs.get(fit.name);
      const recommendation = reasons.get(fit.name);
      const withTradeoff = tradeoff ? { ...fit, tradeoff } : fit;
      return recommendation ? { ...withTradeoff, recommended: true, recommendation } : withTradeoff;
    });
    return { repo: args.repo.id, sha: args.repo.sha, files };
  }

  private async fitOf(args: EstimateRepoArgs, file: HubGgufFile): Promise<{ fit: RemoteFileFit; bytesPerToken?: number }> {
    const base = { name: file.name, ...(file.quant ? { quant: file.quant } : {}), sizeBytes: file.size, recommended: false };
    let header: Header | undefined;
    let fromCache = false;
    try {
      const key = `${args.repo.id}@${args.repo.sha}/${file.name}`;
      let pending = this.headers.get(key);
      fromCache = pending !== undefined;
      if (!pending) {
        pending = this.readModel(args.repo, file, args.signal);
        this.headers.set(key, pending);
        // A failure may be passing (network, timeout): the next look tries again.
        pending.catch(() => this.headers.delete(key));
      }
      header = await pending;
      const params = parameterCount(header.info);
      const trained = header.info.architectureMetadata?.context_length;
      const contextSize = typeof trained === 'number' && trained > 0 ? Math.min(args.contextSize, trained) : args.contextSize;
      const estimate = await estimateFit({ fileInfo: header.info, hardware: args.hardware, contextSize });
      return {
        fit: { ...base, estimate, bitsPerWeight: bitsPerWeight(file.size, params), parameterCount: params, headerBytesRead: fromCache ? 0 : header.bytesRead },
        bytesPerToken: bytesPerToken(header.info, file.size),
      };
    } catch (error) {
      args.signal?.throwIfAborted();
      return {
        fit: {
          ...base,
          estimate: null,
          error: messageOf(error, this.options.fileTimeoutMs ?? DEFAULT_FILE_TIMEOUT_MS),
          bitsPerWeight: header ? bitsPerWeight(file.size, parameterCount(header.info)) : 0,
          headerBytesRead: header && !fromCache ? header.bytesRead : 0,
        },
      };
    }
  }

  /** Part 1's header, then the other parts' when it declares a split; one timeout covers all. */
  private async readModel(repo: HubRepo, file: HubGgufFile, signal: AbortSignal | undefined): Promise<Header> {
    const timeout = AbortSignal.timeout(this.options.fileTimeoutMs ?? DEFAULT_FILE_TIMEOUT_MS);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    const first = await this.readPart(repo, file.parts[0]!, combined);
    const count = declaredPartCount(first.info);
    if (count === 1) return first;
    if (count !== file.parts.length) {
      throw new AppError('MODEL_UNREADABLE', `The model says it has ${count} parts, but the repo has ${file.parts.length}.`);
    }
    const rest: Header[] = [];
    // One part at a time: the repo-wide limit of two reads at once also holds for split models.
    for (const part of file.parts.slice(1)) rest.push(await this.readPart(repo, part, combined));
    return { info: spliceParts([first, ...rest].map((h) => h.info)), bytesRead: [first, ...rest].reduce((sum, h) => sum + h.bytesRead, 0) };
  }

  /**
   * The Hub redirects LFS files to a CDN on another host: ask the Hub where (HEAD, redirect not
   * followed, token sent to the Hub only) and read from there without the token. Without a
   * redirect the Hub serves the bytes itself, so the token may go with them.
   */
  private async readPart(repo: HubRepo, part: HubFilePart, signal: AbortSignal): Promise<Header> {
    const hub = this.options.hub;
    const head = await hub.headFile(repo.id, part.path, { revision: repo.sha || 'main', signal });
    if (head.location) return readRemoteHeader(head.location, { signal });
    const url = hub.fileUrl(repo.id, part.path, repo.sha || 'main');
    const sameHost = new URL(url).origin === new URL(hub.endpoint).origin;
    const token = this.options.token;
    return readRemoteHeader(url, { signal, ...(token && sameHost ? { headers: { authorization: `Bearer ${token}` } } : {}) });
  }
}

function bitsPerWeight(sizeBytes: number, parameters: number): number {
  return parameters > 0 ? Math.round(((sizeBytes * 8) / parameters) * 100) / 100 : 0;
}

/** One line for the quant table; never the token or a stack. */
function messageOf(error: unknown, timeoutMs: number): string {
  if (error instanceof AppError) return error.message;
  const name = error instanceof Error ? error.name : '';
  if (name === 'TimeoutError') return `Reading the header timed out after ${timeoutMs / 1000} s.`;
  const detail = error instanceof Error ? error.message : String(error);
  // node-llama-cpp does not export its error class; its message quotes the file's first bytes, which are not shown.
  if (/invalid gguf magic/i.test(detail)) return 'The file is not a GGUF model (its first bytes are wrong).';
  return `Could not read the model's header: ${detail}`;
}
