import { createServer, isIP } from 'node:net';
import { AppError } from '../../../shared/errors';
import { DEFAULT_API_PORT, DEFAULT_IDLE_UNLOAD_MINUTES, type ServerLogArgs, type ServerStartArgs } from '../../../shared/serverSchemas';
import type { ApiLogPage, ApiServerSettings, ApiServerStatus } from '../../../shared/serverDto';
import type { EventBus } from '../events/eventBus';
import type { Logger } from '../logging/logger';
import type { RequestLog } from './requestLog';

/** A running API server, as its host reports it. */
export interface RunningApiServer {
  /** The port it listens on (the real one when 0 was asked). */
  port: number;
  /** Base URL for OpenAI clients, e.g. `http://127.0.0.1:1234/v1`. */
  baseUrl: string;
  /** Stops listening and ends open connections (their replies are aborted). */
  close(): Promise<void>;
}

/** What the host needs to start the server: the settings, the key, and the log to write to. */
export interface ApiServerLaunch {
  settings: ApiServerSettings;
  apiKey?: string | undefined;
  log: RequestLog;
}

/** Starts the HTTP server; supplied by the host entry (core never imports a host). */
export type ApiServerLauncher = (launch: ApiServerLaunch) => Promise<RunningApiServer>;

/** The last used settings and key, kept between runs (the settings store's `server` section). */
export interface SavedApiServerSettings extends ApiServerSettings {
  apiKey?: string | undefined;
}

/** Where the controller keeps its last used settings; absent = nothing is kept. */
export interface ApiServerSettingsStore {
  load(): Promise<SavedApiServerSettings>;
  save(settings: SavedApiServerSettings): Promise<void>;
}

export interface ApiServerControllerOptions {
  /** Absent in a host that cannot serve the API (then `start` says so). */
  launch?: ApiServerLauncher | undefined;
  log: RequestLog;
  events: EventBus;
  logger: Logger;
  /** Keeps the last used settings: `start` fills what it is not given from them, and saves what it started with. */
  saved?: ApiServerSettingsStore | undefined;
}

/**
 * The `server.*` methods: starts and stops the local API server through the host's launcher,
 * keeps its status, and serves its request log. Starts and stops are serialised, so a toggle
 * clicked twice never leaves two servers or none by accident; `start` while running restarts
 * with the new settings.
 */
export class ApiServerController {
  private running: { server: RunningApiServer; startedAt: string } | null = null;
  private settings: ApiServerSettings | null = null;
  private apiKey: string | undefined;
  private lastError: string | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  /** The saved settings, read once; the status shows them (as "last ran with") before the first start. */
  readonly restored: Promise<void>;

  constructor(private readonly options: ApiServerControllerOptions) {
    this.restored = this.restore();
  }

  /** The request log every server started here writes to. */
  get log(): RequestLog {
    return this.options.log;
  }

  getStatus(): ApiServerStatus {
    const warning = this.settings ? exposureWarning(this.settings.host) : undefined;
    return {
      running: this.running !== null,
      settings: this.settings,
      apiKeySet: this.apiKey !== undefined,
      ...(this.running ? { port: this.running.server.port, baseUrl: this.running.server.baseUrl, startedAt: this.running.startedAt } : {}),
      ...(warning ? { warning } : {}),
      ...(this.lastError ? { lastError: this.lastError } : {}),
    };
  }

  /**
   * Starts (or restarts) the server. With `remember` (the `server.start` method: the UI), what
   * `args` leaves out is taken from the last used settings and key, and what it started with is
   * saved; without it (a host's own flags) `args` is all there is and nothing is saved.
   */
  start(args: ServerStartArgs, { remember = false }: { remember?: boolean } = {}): Promise<ApiServerStatus> {
    return this.serialise(async () => {
      const launch = this.options.launch;
      if (!launch) throw new AppError('BAD_REQUEST', 'This Hearth host cannot run the API server.');
      await this.restored;
      const previous = remember ? this.settings : null;
      const settings: ApiServerSettings = {
        host: args.host ?? previous?.host ?? '127.0.0.1',
        port: args.port ?? previous?.port ?? DEFAULT_API_PORT,
        corsOrigins: args.corsOrigins ?? previous?.corsOrigins ?? [],
        idleUnloadMinutes: args.idleUnloadMinutes ?? previous?.idleUnloadMinutes ?? DEFAULT_IDLE_UNLOAD_MINUTES,
      };
      // A busy port is reported while the running server still runs: a failed restart never leaves it off.
      const running = this.running;
      if (running && settings.port !== 0 && (settings.port !== running.server.port || settings.host !== this.settings?.host)) {
        const busy = await portTaken(settings.host, settings.port);
        if (busy) throw new AppError('BAD_REQUEST', `${describeListenError(busy, settings)} The server keeps running on port ${running.server.port}.`);
      }
      await this.closeRunning();
      this.settings = settings;
      this.apiKey = args.apiKey === null ? undefined : (args.apiKey ?? (remember ? this.apiKey : undefined));
      try {
        const server = await launch({ settings: this.settings, apiKey: this.apiKey, log: this.options.log });
        this.running = { server, startedAt: new Date().toISOString() };
        // Port 0 asked for any free port: keep the one it got, so a restart stays where clients point.
        if (this.settings.port === 0) this.settings = { ...this.settings, port: server.port };
        this.lastError = undefined;
        this.options.logger.info('API server started', { baseUrl: server.baseUrl });
        if (remember) await this.save();
      } catch (error) {
        this.lastError = describeListenError(error, this.settings);
        throw new AppError('BAD_REQUEST', this.lastError);
      } finally {
        this.publish();
      }
      return this.getStatus();
    });
  }

  stop(): Promise<ApiServerStatus> {
    return this.serialise(async () => {
      await this.closeRunning();
      this.publish();
      return this.getStatus();
    });
  }

  getLog(args: ServerLogArgs = {}): ApiLogPage {
    return { entries: this.options.log.list(args) };
  }

  /** Stops the server (shutdown) and waits for the log file to be written. */
  async dispose(): Promise<void> {
    await this.stop();
    await this.options.log.flush();
  }

  private async restore(): Promise<void> {
    if (!this.options.saved) return;
    try {
      const { apiKey, ...settings } = await this.options.saved.load();
      this.settings = settings;
      this.apiKey = apiKey;
    } catch (error) {
      this.options.logger.warn('API server settings could not be read; defaults are used', { error: String(error) });
    }
  }

  /** Keeps what the server started with, so the next start (and the next run) reuses it. */
  private async save(): Promise<void> {
    if (!this.options.saved || !this.settings) return;
    try {
      await this.options.saved.save({ ...this.settings, ...(this.apiKey !== undefined ? { apiKey: this.apiKey } : {}) });
    } catch (error) {
      this.options.logger.warn('API server settings could not be saved', { error: String(error) });
    }
  }

  private async closeRunning(): Promise<void> {
    const running = this.running;
    if (!running) return;
    this.running = null;
    await running.server.close();
    this.options.logger.info('API server stopped', { baseUrl: running.server.baseUrl });
  }

  private serialise<T>(operation: () => Promise<T>): Promise<T> {
    const run = this.chain.then(operation, operation);
    this.chain = run.catch(() => {});
    return run;
  }

  private publish(): void {
    this.options.events.emit('server.statusChanged', this.getStatus());
  }
}

/** True for names and addresses that only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (bare.toLowerCase() === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  return bare === '::1';
}

/** The warning for a server bound beyond this machine, or undefined when it is not. */
export function exposureWarning(host: string): string | undefined {
  if (isLoopbackHost(host)) return undefined;
  return `The API server listens on ${host}: other machines on the network can use your models — set an API key, and bind to 127.0.0.1 unless you mean to share it.`;
}

/** Null when `host:port` can be bound now, else the error binding it gave (EADDRINUSE, EACCES…). */
function portTaken(host: string, port: number): Promise<Error | null> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', (error) => resolve(error));
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve(null)));
  });
}

function describeListenError(error: unknown, settings: ApiServerSettings): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE') return `Port ${settings.port} is already in use on ${settings.host}; choose another port.`;
  if (code === 'EACCES') return `Hearth may not listen on port ${settings.port} (ports below 1024 need special rights); choose another port.`;
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') return `${settings.host} is not an address of this machine.`;
  return `The API server could not start: ${error instanceof Error ? error.message : String(error)}`;
}
