/**
 * `hearth pull <ref>`: resolve a Hub reference, pick the model (named, or Recommended for this
 * machine), download it through the same DownloadsService the app uses (verified, resumable),
 * and show progress. Ctrl-C leaves the partial file and the journal entry; the same command
 * then continues from them.
 */
import { rmdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { toErrorShape } from '../../shared/errors';
import { formatBytes } from '../../shared/format';
import type { DownloadStatus } from '../../shared/hubDto';
import type { Core } from '../core/createCore';
import { modelIdOf, partTarget } from '../core/downloads/modelPaths';
import type { PullOptions } from './args';
import { ProgressReporter } from './progressLine';
import type { Ask, CliOutput } from './prompt';
import { CliFailure } from './cliFailure';
import { choosePullModel, type PullChoice } from './pullChoice';

/** Exit code after Ctrl-C, as shells report a process ended by SIGINT (128 + 2). */
export const EXIT_INTERRUPTED = 130;

export interface PullDeps {
  core: Pick<Core, 'hub' | 'downloads' | 'events' | 'dispose'>;
  modelsDir: string;
  out: CliOutput;
  /** Error lines (`hearth: <reason>`). */
  err: (text: string) => void;
  /** Terminal prompt; absent without a terminal. */
  ask: Ask | undefined;
  /** Aborted on Ctrl-C: stop waiting, keep the partial download. */
  signal: AbortSignal;
  /** Clock for the plain progress lines, in ms. */
  now?: () => number;
}

/** Runs the command to the end, disposes the core (which journals an unfinished download), and returns the exit code. */
export async function pullCommand(options: PullOptions, deps: PullDeps): Promise<number> {
  const reporter = new ProgressReporter(deps.out, deps.now);
  const progress = { started: false };
  let code: number;
  try {
    code = await pull(options, deps, reporter, progress);
  } catch (error) {
    reporter.finish();
    if (deps.signal.aborted) code = EXIT_INTERRUPTED;
    else {
      code = error instanceof CliFailure ? error.exitCode : 1;
      deps.err(`hearth: ${oneLine(error instanceof CliFailure ? error.message : toErrorShape(error).message)}\n`);
    }
  }
  // Stops the transfer and writes the journal saying it was running, so the next pull continues it.
  await deps.core.dispose('hearth pull is done.');
  if (code === EXIT_INTERRUPTED) deps.out.write(progress.started ? 'Paused: run the same command to resume.\n' : 'Stopped.\n');
  return code;
}

async function pull(options: PullOptions, deps: PullDeps, reporter: ProgressReporter, progress: { started: boolean }): Promise<number> {
  const say = (line: string): void => deps.out.write(`${line}\n`);
  const choice = await choosePullModel(options, { hub: deps.core.hub, ask: deps.ask, say, signal: deps.signal });
  const { repo, file } = choice;
  const first = file.parts[0]!;
  const modelId = modelIdOf(repo.id, first.path);
  const finalPath = partTarget(deps.modelsDir, repo.id, first.path).final;
  if (await alreadyDownloaded(deps.modelsDir, choice)) {
    say(`Already downloaded: ${modelId} (${formatBytes(file.size)}, verified when it was downloaded) at ${finalPath}.`);
    return 0;
  }

  // Subscribed before starting: a small file can finish before start() returns.
  const seen = new Map<string, DownloadStatus>();
  let onStatus: ((status: DownloadStatus) => void) | undefined;
  const unsubscribe = deps.core.events.subscribe((event, payload) => {
    if (event !== 'downloads.changed') return;
    const status = payload as DownloadStatus;
    seen.set(status.id, status);
    onStatus?.(status);
  });
  try {
    const started = await deps.core.downloads.start({ repo: repo.id, file: file.name, ...(choice.revision !== undefined ? { revision: choice.revision } : {}) });
    progress.started = true;
    if (started.receivedBytes > 0 && started.receivedBytes < started.totalBytes) {
      say(`Resuming ${modelId}: ${formatBytes(started.receivedBytes)} of ${formatBytes(started.totalBytes)} already here.`);
    } else {
      say(`Downloading ${modelId} (${formatBytes(file.size)})…`);
    }
    // Paused in the journal by the app: asking for it again means continue.
    if (started.state === 'paused') deps.core.downloads.resume(started.id);
    const final = await untilFinished(started.id, seen.get(started.id) ?? started, reporter, deps.signal, (listener) => {
      onStatus = listener;
    });
    reporter.finish();
    if (final.state === 'done') {
      say(`Downloaded ${modelId} (${formatBytes(final.totalBytes)}, sha256 verified) to ${finalPath}.`);
      return 0;
    }
    await removeEmptyFolders(deps.modelsDir, finalPath);
    throw new CliFailure(final.error ?? `The download of ${modelId} was ${final.state}.`, 1);
  } finally {
    unsubscribe();
  }
}

/** Resolves with the first final status of download `id`; rejects when `signal` aborts. */
function untilFinished(
  id: string,
  latest: DownloadStatus,
  reporter: ProgressReporter,
  signal: AbortSignal,
  listen: (listener: (status: DownloadStatus) => void) => void,
): Promise<DownloadStatus> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    const settle = (status: DownloadStatus): void => {
      if (status.id !== id) return;
      reporter.update(status);
      if (status.state === 'done' || status.state === 'failed' || status.state === 'cancelled') {
        signal.removeEventListener('abort', onAbort);
        resolve(status);
      }
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    listen(settle);
    settle(latest);
  });
}

/** Every part is in place at its full size: it was hashed before its rename, so it is verified. */
async function alreadyDownloaded(modelsDir: string, { repo, file }: PullChoice): Promise<boolean> {
  for (const part of file.parts) {
    const size = await stat(partTarget(modelsDir, repo.id, part.path).final).then((s) => s.size, () => -1);
    if (size !== part.size) return false;
  }
  return true;
}

/** A failed first download leaves `<owner>/<repo>/` empty: remove it and its owner folder if empty. */
async function removeEmptyFolders(modelsDir: string, finalPath: string): Promise<void> {
  for (let dir = dirname(finalPath); dir.startsWith(modelsDir) && dir !== modelsDir; dir = dirname(dir)) {
    // rmdir refuses a folder with anything in it (a kept partial file, other models): that is the point.
    if (!(await rmdir(dir).then(() => true, () => false))) return;
  }
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
