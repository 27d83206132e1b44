/**
 * Node entry (`hearth` CLI): `hearth serve` runs the whole app without Electron — the built UI
 * for any browser and the RPC over WebSocket — on the same core the desktop window uses.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError } from '../shared/errors';
import { given } from '../shared/given';
import type { HardwareSnapshot, ModelFit } from '../shared/hardwareDto';
import { USAGE } from './cli/usage';
import { parseArgs, type HardwareOptions, type PullOptions, type RunOptions, type ServeOptions } from './cli/args';
import type { BenchOptions } from './cli/measureArgs';
import { benchCommand } from './cli/bench';
import { psCommand } from './cli/ps';
import { engineCommand } from './cli/engine';
import { formatRemoteModels, providerCommand } from './cli/provider';
import { ProviderService } from './core/providers/providerService';
import { FileSecretStore } from './core/providers/secretStore';
import { labCommand } from './cli/lab';
import { runCommand } from './cli/run';
import { EXIT_INTERRUPTED, pullCommand } from './cli/pull';
import { stdoutOutput, terminalAsk } from './cli/prompt';
import { rmCommand } from './cli/rm';
import { formatHardwareReport } from './cli/formatHardware';
import { createCore } from './core/createCore';
import { nodeEngineLauncher } from './core/engine/engineProcess';
import { DEFAULT_FIT_CONTEXT } from './core/hardware/fitService';
import { LibraryService } from './core/library/libraryService';
import { LibraryFolders } from './core/library/libraryFolders';
import { SettingsStore } from './core/settings/settingsStore';
import { createConsoleLogger, type Logger } from './core/logging/logger';
import { startWebHost } from './hosts/webHost';
import { launchApiServer } from './hosts/api/apiServer';
import { exposureWarning } from './core/server/apiServerController';
import { formatModelTable } from './cli/formatModels';
import { resolveApiClient, resolveStartupConfig, type StartupConfig } from './startupConfig';

const here = dirname(fileURLToPath(import.meta.url));
const VERSION = readVersion();

/** The app's version from package.json (two folders above `out/main/`). */
function readVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(here, '../../package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** The core both headless commands run on, from the one start-up configuration. */
function createHeadlessCore(config: StartupConfig, logger: Logger, options: { resumeDownloads?: boolean; refreshProviders?: boolean } = {}) {
  return createCore({
    dataDir: config.dataDir,
    modelsDir: config.modelsDir,
    threads: config.threads,
    memoryLimitBytes: config.memoryLimitBytes,
    maxModels: config.maxModels,
    hub: config.hub,
    resumeDownloads: options.resumeDownloads ?? false,
    refreshProviders: options.refreshProviders ?? false,
    logger,
    host: 'headless',
    version: VERSION,
    launchEngine: nodeEngineLauncher({ workerPath: join(here, 'engineWorker.js'), gpu: config.gpu, maxThreads: config.maxThreads }),
    apiServer: launchApiServer(logger),
  });
}

export async function serve(options: ServeOptions): Promise<void> {
  const config = resolveStartupConfig(options);
  const logger = createConsoleLogger(config.logLevel);
  // Last line of defence for a long-running server: a promise nobody awaited must not end it.
  process.on('unhandledRejection', (reason) => logger.error('unhandled rejection', { reason: String(reason).slice(0, 2_000) }));
  const core = await createHeadlessCore(config, logger, { resumeDownloads: true, refreshProviders: true });
  const web = await startWebHost({
    core,
    host: options.host,
    port: options.port,
    rendererDir: resolve(here, '../renderer'),
    logger,
  });
  let apiLine = '';
  if (config.api) {
    const { port, host, apiKey, idleUnloadMinutes, corsOrigins } = config.api;
    try {
      const status = await core.server.start({
        port,
        host,
        ...given({ apiKey, idleUnloadMinutes, corsOrigins }),
      });
      apiLine = `Hearth API at ${status.baseUrl}${apiKey !== undefined ? ' (API key required)' : ''}\n`;
      const warning = exposureWarning(host);
      if (warning) process.stderr.write(`hearth: warning: ${warning}\n`);
    } catch (error) {
      await core.dispose('Hearth could not start.');
      await web.close();
      throw error;
    }
  }
  // The one line scripts and tests wait for: keep its shape stable.
  process.stdout.write(`Hearth ready at ${web.url}\n${apiLine}`);

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info('shutting down', { signal });
    // Replies in flight end with a clear error first; then the sockets close, cleanly.
    await core.dispose('Hearth is stopping (the server was shut down).');
    await web.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

/**
 * `hearth hardware`: the hardware snapshot, then the fit of every local model, on a core made
 * like `serve`'s (the engine process is started to ask llama.cpp what it sees, then stopped).
 */
export async function hardware(options: HardwareOptions): Promise<void> {
  const config = resolveStartupConfig({ dataDir: options.dataDir, modelsDir: options.modelsDir, memoryLimit: options.memoryLimit });
  // The report carries what went wrong; the log only adds detail when asked for.
  const logger = createConsoleLogger(config.logLevel === 'debug' ? 'debug' : 'error');
  const core = await createHeadlessCore(config, logger);
  let output: string;
  try {
    const snapshot = (await core.dispatch('hardware.getSnapshot', {})) as HardwareSnapshot;
    const contextSize = options.contextSize ?? DEFAULT_FIT_CONTEXT;
    let models: ModelFit[] = [];
    let modelsError: string | undefined;
    try {
      models = (await core.dispatch('library.estimateFits', options.contextSize !== undefined ? { contextSize } : {})) as ModelFit[];
    } catch (error) {
      modelsError = error instanceof Error ? error.message : String(error);
      process.exitCode = 1;
    }
    output = options.json
      ? `${JSON.stringify({ hardware: snapshot, models, ...(modelsError !== undefined ? { modelsError } : {}) }, null, 2)}\n`
      : formatHardwareReport({ hardware: snapshot, models, modelsError, modelsDir: config.modelsDir, contextSize });
  } finally {
    await core.dispose('hearth hardware is done.');
  }
  await new Promise<void>((resolve) => process.stdout.write(output, () => resolve()));
  // A systeminformation call that timed out may leave a child process (lspci, nvidia-smi) running
  // that would keep Node alive; the report is out, so do not wait for it longer than a moment.
  setTimeout(() => process.exit(), 1_000).unref();
}

/** `hearth pull`: a core like `hardware`'s (the engine starts only if the Recommended pick needs the fit). */
export async function pull(options: PullOptions): Promise<void> {
  const config = resolveStartupConfig({ dataDir: options.dataDir, modelsDir: options.modelsDir });
  const logger = createConsoleLogger(config.logLevel === 'debug' ? 'debug' : 'error');
  const interrupt = new AbortController();
  const onSignal = (): void => {
    // A second Ctrl-C while the partial download is being journalled: the user means it.
    if (interrupt.signal.aborted) process.exit(EXIT_INTERRUPTED);
    interrupt.abort(new AppError('BAD_REQUEST', 'interrupted'));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const core = await createHeadlessCore(config, logger);
  const code = await pullCommand(options, {
    core,
    modelsDir: config.modelsDir,
    out: stdoutOutput(),
    err: (text) => process.stderr.write(text),
    ask: terminalAsk(interrupt.signal),
    signal: interrupt.signal,
  });
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
  process.exitCode = code;
  // As for `hardware`: a lingering systeminformation child must not keep the process alive.
  setTimeout(() => process.exit(), 1_000).unref();
}

/** `hearth run`: a core of its own (no server needed); the engine starts to load the model. */
export async function run(options: RunOptions): Promise<void> {
  const { dataDir, modelsDir, threads } = options;
  const config = resolveStartupConfig({ dataDir, modelsDir, threads });
  const logger = createConsoleLogger(config.logLevel === 'debug' ? 'debug' : 'error');
  const interrupt = new AbortController();
  // One reply: Ctrl-C stops it (a second one quits at once). In the chat, readline takes Ctrl-C itself.
  const onSignal = (): void => (interrupt.signal.aborted ? process.exit(EXIT_INTERRUPTED) : interrupt.abort());
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const core = await createHeadlessCore(config, logger);
  const interactive = process.stdin.isTTY === true && process.stdout.isTTY === true;
  const deps = { core, modelsDir: config.modelsDir, out: stdoutOutput(), err: (text: string) => void process.stderr.write(text), input: process.stdin, interactive, signal: interrupt.signal };
  const code = await runCommand(options, deps);
  await core.dispose('hearth run is done.');
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
  process.exitCode = code;
  setTimeout(() => process.exit(), 1_000).unref();
}

/** `hearth bench`: a core of its own; the benchmark itself runs in an engine process of its own. */
export async function bench(options: BenchOptions): Promise<void> {
  const { dataDir, modelsDir } = options;
  const config = resolveStartupConfig({ dataDir, modelsDir });
  const logger = createConsoleLogger(config.logLevel === 'debug' ? 'debug' : 'error');
  const interrupt = new AbortController();
  const onSignal = (): void => (interrupt.signal.aborted ? process.exit(EXIT_INTERRUPTED) : interrupt.abort());
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const core = await createHeadlessCore(config, logger);
  const code = await benchCommand(options, { core, out: stdoutOutput(), err: (text) => void process.stderr.write(text), signal: interrupt.signal });
  await core.dispose('hearth bench is done.');
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
  process.exitCode = code;
  setTimeout(() => process.exit(), 1_000).unref();
}

/**
 * The library as the app sees it (models folder plus the folders added in settings), without the
 * rest of the core: `ls` and `rm` need no engine.
 */
function cliLibrary(config: StartupConfig): LibraryService {
  const logger = createConsoleLogger('error');
  const settings = new SettingsStore({ dataDir: config.dataDir, logger });
  return new LibraryService(config.modelsDir, logger, { folders: new LibraryFolders(config.modelsDir, settings, { homeDir: homedir(), env: process.env }) });
}

export async function main(argv: string[]): Promise<void> {
  const command = parseArgs(argv);
  switch (command.name) {
    case 'help':
      process.stdout.write(USAGE);
      return;
    case 'version':
      process.stdout.write(`hearth ${VERSION}\n`);
      return;
    case 'ls': {
      const config = resolveStartupConfig(command.options);
      const library = cliLibrary(config);
      process.stdout.write(formatModelTable(await library.listModels()));
      // Then the providers' models, read now (each read is bounded: a provider that is down says why).
      const providers = await ProviderService.open({ dataDir: config.dataDir, secrets: new FileSecretStore(config.dataDir), logger: createConsoleLogger('error') });
      process.stdout.write(formatRemoteModels(await providers.refresh()));
      return;
    }
    case 'hardware':
      await hardware(command.options);
      return;
    case 'pull':
      await pull(command.options);
      return;
    case 'rm': {
      const config = resolveStartupConfig({ modelsDir: command.options.modelsDir, dataDir: command.options.dataDir });
      const modelsDir = config.modelsDir;
      const library = cliLibrary(config);
      const say = (line: string): void => void process.stdout.write(`${line}\n`);
      process.exitCode = await rmCommand(command.options, { library, modelsDir, say, err: (text) => process.stderr.write(text), ask: terminalAsk() });
      return;
    }
    case 'serve':
      await serve(command.options);
      return;
    case 'run':
      await run(command.options);
      return;
    case 'bench':
      await bench(command.options);
      return;
    case 'lab': {
      // A core of its own, like `hearth run`; Ctrl-C cancels the run and keeps the files finished.
      const { dataDir, modelsDir, threads } = command.options;
      const config = resolveStartupConfig({ dataDir, modelsDir, threads });
      const core = await createHeadlessCore(config, createConsoleLogger(config.logLevel === 'debug' ? 'debug' : 'error'));
      const interrupt = new AbortController();
      process.on('SIGINT', () => (interrupt.signal.aborted ? process.exit(130) : interrupt.abort()));
      const err = (text: string): void => void process.stderr.write(text);
      process.exitCode = await labCommand(command.options, { core, out: (text) => void process.stdout.write(text), err, terminal: process.stderr.isTTY === true, signal: interrupt.signal });
      await core.dispose('hearth lab is done.');
      setTimeout(() => process.exit(), 1_000).unref();
      return;
    }
    case 'provider': {
      // No engine: the providers of the data dir, their key file, and the network.
      const { dataDir } = command.options;
      const config = resolveStartupConfig({ dataDir });
      const logger = createConsoleLogger(config.logLevel === 'debug' ? 'debug' : 'error');
      const providers = await ProviderService.open({ dataDir: config.dataDir, secrets: new FileSecretStore(config.dataDir), logger });
      const readKey = async (): Promise<string> => {
        let text = '';
        for await (const chunk of process.stdin) {
          text += String(chunk);
          if (text.includes('\n')) break;
        }
        return text.split('\n')[0] ?? '';
      };
      const say = (text: string): void => void process.stdout.write(text);
      process.exitCode = await providerCommand(command.options, { providers, say, err: (text) => void process.stderr.write(text), readKey });
      return;
    }
    case 'engine': {
      // No engine process: this one compiles, the engines started afterwards load the result.
      const { buildLlamaForThisMachine } = await import('./core/engine/llamaBinary');
      process.exitCode = await engineCommand(command.options, {
        build: () => buildLlamaForThisMachine(),
        say: (text) => void process.stdout.write(text),
        err: (text) => void process.stderr.write(text),
      });
      return;
    }
    case 'ps': {
      const say = (text: string): void => void process.stdout.write(text);
      process.exitCode = await psCommand(command.options, { target: resolveApiClient(command.options), say, err: (text) => process.stderr.write(text) });
      return;
    }
  }
}

export function runCli(argv: string[]): void {
  main(argv).catch((error: unknown) => {
    const message = error instanceof AppError || error instanceof Error ? error.message : String(error);
    process.stderr.write(`hearth: ${message}\n`);
    process.exit(error instanceof AppError && error.code === 'BAD_REQUEST' ? 2 : 1);
  });
}
