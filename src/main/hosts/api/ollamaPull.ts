import { z } from 'zod';
import { AppError } from '../../../shared/errors';
import type { DownloadStatus, HubGgufFile, HubRepoDetail } from '../../../shared/hubDto';
import { modelIdOf } from '../../core/downloads/modelPaths';
import type { ApiContext } from './apiContext';
import type { ApiExchange } from './exchange';
import { NdjsonStream } from './ollamaGenerate';
import { ApiError, badRequest, toApiError } from './openaiErrors';
import { parseBody } from './openaiSchemas';

/** Ollama's clients send `model`; older ones `name`. `insecure` has no meaning here (the Hub is HTTPS). */
const pullSchema = z.looseObject({ model: z.string().max(1_000).nullish(), name: z.string().max(1_000).nullish(), stream: z.boolean().nullish() });

const FINAL_STATES = new Set<DownloadStatus['state']>(['done', 'failed', 'cancelled']);

/**
 * `POST /api/pull`: downloads a model from the Hugging Face Hub through Hearth's hub and download
 * manager (verified, resumable, shown in the app's Downloads), as `hearth pull` does. The name is
 * `owner/repo[:quant]` (Ollama's `hf.co/owner/repo:quant` and `huggingface.co/…` URLs too; a
 * `:latest` tag means no quant). Without a quant: the only model of the repo, else the one
 * Recommended for this machine. The answer is Ollama's progress: `pulling manifest`, then
 * `pulling <digest>` lines with `digest`, `total` and `completed` bytes, `verifying sha256 digest`,
 * `writing manifest`, `success`; or only the last object with `stream: false`. Errors before the
 * first line are HTTP errors; after it, a last `{"error"}` line. A client that leaves pauses the
 * download: pulling again continues it.
 */
export async function ollamaPull(ex: ApiExchange, ctx: ApiContext, body: Record<string, unknown>): Promise<void> {
  const request = parseBody(pullSchema, body);
  const name = request.model || request.name;
  if (!name) throw badRequest("Missing required parameter: 'model'.", 'model');
  ex.model = name;
  const lines = request.stream !== false ? new NdjsonStream(ex) : undefined;
  const send = (line: Record<string, unknown>): void => {
    lines?.start();
    lines?.send(line);
  };
  try {
    const detail = await ctx.core.hub.getRepo(name.replace(/:latest$/i, ''), ex.signal);
    const file = await chooseFile(ctx, detail, ex.signal);
    send({ status: 'pulling manifest' });
    const modelId = modelIdOf(detail.repo.id, file.parts[0]!.path);
    if (!(await alreadyHere(ctx, modelId, file.size))) await download(ex, ctx, detail, file, send);
    for (const status of ['verifying sha256 digest', 'writing manifest']) send({ status });
    ctx.models.forgetListing();
  } catch (error) {
    const apiError = toApiError(error, ctx.logger, 'an Ollama pull', { model: 'model', dialect: 'ollama' });
    if (!lines?.started) throw apiError;
    return lines.fail(apiError);
  }
  if (!lines) return ex.sendJson(200, { status: 'success' });
  send({ status: 'success' });
  lines.end();
}

/** The reference's quant or file, else the repo's only model, else the Recommended one for this machine. */
async function chooseFile(ctx: ApiContext, detail: HubRepoDetail, signal: AbortSignal): Promise<HubGgufFile> {
  const { repo } = detail;
  const models = repo.files.filter((file) => !file.projector);
  if (models.length === 0) throw new AppError('NOT_FOUND', `${repo.id} has no GGUF models to download.`);
  const available = `Available: ${[...new Set(models.map((file) => file.quant ?? file.name))].join(', ')}.`;
  if (detail.selectionError !== undefined) throw badRequest(`${detail.selectionError} ${available}`, 'model');
  const named = detail.selected !== undefined ? models.find((file) => file.name === detail.selected) : undefined;
  if (named) return named;
  if (models.length === 1) return models[0]!;
  const revision = detail.reference.revision;
  const fits = await ctx.core.hub.estimateFits({ repo: repo.id, ...(revision !== undefined ? { revision } : {}) }, signal);
  const best = fits.files.find((fit) => fit.recommended);
  const file = best ? models.find((candidate) => candidate.name === best.name) : undefined;
  if (!file) throw badRequest(`Hearth could not pick a model of ${repo.id} for this machine: name one as ${repo.id}:QUANT. ${available}`, 'model');
  return file;
}

/** Every byte already in the library under the id the download would give it (verified when it was downloaded). */
async function alreadyHere(ctx: ApiContext, modelId: string, size: number): Promise<boolean> {
  ctx.models.forgetListing();
  const models = await ctx.models.listModels();
  return models.some((model) => model.id === modelId && model.sizeBytes === size);
}

/** Runs the download to its end, sending its progress; throws when it fails or is cancelled. */
async function download(ex: ApiExchange, ctx: ApiContext, detail: HubRepoDetail, file: HubGgufFile, send: (line: Record<string, unknown>) => void): Promise<void> {
  const sha = file.parts[0]!.sha256;
  const digest = sha ? `sha256:${sha}` : `sha256:${detail.repo.sha}`;
  const progress = (status: DownloadStatus): void => send({ status: `pulling ${digest.slice(7, 19)}`, digest, total: status.totalBytes, completed: status.receivedBytes });
  let id: string | undefined;
  const early: DownloadStatus[] = [];
  let settle: ((status: DownloadStatus) => void) | undefined;
  // Subscribed before starting: a small file can finish before start() returns.
  const unsubscribe = ctx.core.events.subscribe((event, payload) => {
    if (event !== 'downloads.changed') return;
    const status = payload as DownloadStatus;
    if (id === undefined) early.push(status);
    else if (status.id === id) settle?.(status);
  });
  try {
    const revision = detail.reference.revision;
    const started = await ctx.core.downloads.start({ repo: detail.repo.id, file: file.name, ...(revision !== undefined ? { revision } : {}) });
    id = started.id;
    // Paused earlier (a client that left, or the app): asking again means continue.
    if (started.state === 'paused') ctx.core.downloads.resume(started.id);
    const final = await new Promise<DownloadStatus>((resolve) => {
      const onAbort = (): void => {
        void ctx.core.downloads.pause(started.id).catch(() => {});
        resolve({ ...started, state: 'cancelled', error: 'The client left.' });
      };
      settle = (status) => {
        if (status.state === 'downloading' || status.state === 'verifying') progress(status);
        if (!FINAL_STATES.has(status.state)) return;
        ex.signal.removeEventListener('abort', onAbort);
        resolve(status);
      };
      if (ex.signal.aborted) return onAbort();
      ex.signal.addEventListener('abort', onAbort, { once: true });
      progress(started);
      for (const status of [...early.filter((status) => status.id === started.id), started]) settle(status);
    });
    if (final.state !== 'done') throw new ApiError(500, 'server_error', final.error ?? `The download of ${file.name} was ${final.state}.`, null, 'download_failed', undefined, 'DOWNLOAD_FAILED');
    progress({ ...final, receivedBytes: final.totalBytes });
  } finally {
    unsubscribe();
  }
}
