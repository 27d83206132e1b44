import type { EmbedResult, ProviderInfo, ProviderKind, RemoteModelInfo } from '../../../shared/dto';
import { AppError } from '../../../shared/errors';
import type { ProviderAddArgs } from '../../../shared/schemas';
import type { Logger } from '../logging/logger';
import { CallerAborted, PROVIDER_TIMEOUTS, ProviderClient, type ProviderTimeouts } from './providerClient';
import { ProviderError } from './providerFaults';
import { listRemoteModels, recognise, type ListedModel } from './providerProbe';
import { normaliseBaseUrl, ProviderStore, type StoredProvider } from './providerStore';
import { RemoteActivity, type RemoteInUse } from './remoteActivity';
import { runRemote, type RemoteModels, type RemoteRunner, type RemoteTarget } from './remoteGeneration';
import type { SecretStore } from './secretStore';
import { WatchedFile } from './watchedFile';

export interface ProviderServiceOptions {
  dataDir: string;
  secrets: SecretStore;
  logger: Logger;
  /** Where `--key-env` variables are read, at each request; default this process's. */
  env?: NodeJS.ProcessEnv;
  timeouts?: ProviderTimeouts;
  /** A provider was added, removed or checked (hosts push `providers.list` again). */
  onChanged?: () => void;
  /**
   * Watch `providers.json` for changes made by another process (`hearth provider add|rm` while the
   * app or `hearth serve` runs) and take them in at once (the app and `serve`; not one-shot CLI
   * commands, whose process must be free to exit). Without it, `list` still notices them.
   */
  watch?: boolean;
}

/** What the last check of a provider found. */
interface Checked {
  kind: ProviderKind | null;
  version: string | null;
  status: 'ok' | 'down';
  error?: string;
  checkedAt: string;
  models: ListedModel[];
}

/**
 * Context assumed for a remote model whose server does not say (Hearth, Ollama, LM Studio), in
 * tokens: what a chat keeps of a long conversation. Small enough for most servers' defaults; a
 * remote with less answers with its own context error.
 */
export const DEFAULT_REMOTE_CONTEXT = 4096;

/**
 * The remote OpenAI-compatible servers Hearth drives (issue 16): the list (`providers.json`),
 * their keys (a {@link SecretStore}, or an environment variable read at use), what each is and
 * which models it has (read on start and on demand). A provider that stops answering keeps its
 * models listed as unavailable, with the reason. Models are named `<provider>/<model>`; the
 * generation pipeline asks {@link runner} before it looks for a local model, so every surface
 * (the API, chats, `hearth run`) reaches them without knowing they are remote.
 */
export class ProviderService implements RemoteModels {
  private providers: StoredProvider[] = [];
  private readonly checked = new Map<string, Checked>();
  private readonly clients = new Map<string, ProviderClient>();
  private readonly store: ProviderStore;
  private readonly activity = new RemoteActivity();
  /** `providers.json`, as last read here. */
  private readonly file: WatchedFile;
  private syncing: Promise<void> = Promise.resolve();

  private constructor(private readonly options: ProviderServiceOptions) {
    this.store = new ProviderStore(options.dataDir, options.logger);
    this.file = new WatchedFile(options.dataDir, 'providers.json', options.logger);
  }

  /** Reads the list (fast, no network): {@link runner} answers synchronously from it. */
  static async open(options: ProviderServiceOptions): Promise<ProviderService> {
    const service = new ProviderService(options);
    await service.file.changed();
    service.providers = await service.store.list();
    if (options.watch) await service.file.watch(() => void service.syncWithFile().catch(() => undefined));
    return service;
  }

  /** Stops watching `providers.json` (on dispose). */
  close(): void {
    this.file.close();
  }

  async list(): Promise<ProviderInfo[]> {
    await this.syncWithFile();
    return Promise.all(this.providers.map((provider) => this.info(provider)));
  }

  /** Adds or replaces a provider (its key stored, or the variable noted), then checks it. */
  async add(args: ProviderAddArgs): Promise<ProviderInfo> {
    const provider: StoredProvider = {
      name: args.name,
      baseUrl: normaliseBaseUrl(args.baseUrl),
      keySource: args.apiKey !== undefined ? 'stored' : args.keyEnv !== undefined ? 'env' : 'none',
      ...(args.keyEnv !== undefined ? { keyEnv: args.keyEnv } : {}),
      addedAt: new Date().toISOString(),
    };
    if (args.apiKey !== undefined) await this.options.secrets.set(args.name, args.apiKey);
    else await this.options.secrets.delete(args.name);
    await this.store.put(provider);
    this.providers = await this.store.list();
    this.clients.delete(args.name);
    this.checked.delete(args.name);
    return this.test(args.name);
  }

  async remove(name: string): Promise<{ removed: boolean }> {
    const removed = await this.store.remove(name);
    await this.options.secrets.delete(name);
    this.providers = await this.store.list();
    this.clients.delete(name);
    this.checked.delete(name);
    if (removed) this.options.onChanged?.();
    return { removed };
  }

  /** Checks one provider now: what it is and its models. Never throws for a provider that is down: the info says why. */
  async test(name: string): Promise<ProviderInfo> {
    const provider = this.find(name);
    const client = this.client(provider);
    const checkedAt = new Date().toISOString();
    try {
      const [recognition, models] = await Promise.all([recognise(client), listRemoteModels(client)]);
      this.checked.set(name, { ...recognition, status: 'ok', checkedAt, models });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const previous = this.checked.get(name);
      // Down: the models it had stay listed (unavailable), so a chat naming one still says which server to look at.
      this.checked.set(name, { kind: previous?.kind ?? null, version: previous?.version ?? null, status: 'down', error: message, checkedAt, models: previous?.models ?? [] });
      this.options.logger.warn('provider check failed', { provider: name, error: message });
    }
    this.options.onChanged?.();
    return this.info(provider);
  }

  /**
   * Reads every provider (or one) again, in parallel. The whole refresh reads `providers.json`
   * first, so a provider added with `hearth provider add` while this Hearth runs shows up.
   */
  async refresh(name?: string): Promise<ProviderInfo[]> {
    if (name !== undefined) return [await this.test(name)];
    this.providers = await this.store.reload();
    for (const known of [...this.checked.keys()]) if (!this.providers.some((p) => p.name === known)) this.checked.delete(known);
    this.clients.clear();
    return Promise.all(this.providers.map((provider) => this.test(provider.name)));
  }

  /** Every provider's models as last read, each `<provider>/<model>`, unavailable ones with the reason. */
  remoteModels(): RemoteModelInfo[] {
    return this.providers.flatMap((provider) => this.modelsOf(provider));
  }

  /** The remote model a name means: `<provider>/<model>` with a configured provider (it wins over a local `owner/repo`). */
  target(model: string): RemoteTarget | undefined {
    const slash = model.indexOf('/');
    if (slash <= 0 || slash === model.length - 1) return undefined;
    const provider = this.providers.find((p) => p.name === model.slice(0, slash));
    if (!provider) return undefined;
    return { client: this.client(provider), provider: provider.name, remoteModel: model.slice(slash + 1), modelId: model };
  }

  /**
   * A configured provider's model as the chats see a resident one: a chat may be put on it and
   * replies go to its server (a provider that is down fails the reply with its sentence, and the
   * chat stays as it was). Its context: as its server lists it, else {@link DEFAULT_REMOTE_CONTEXT}.
   */
  chatModel(modelId: string): { modelId: string; name: string; settings: { contextSize: number } } | undefined {
    const target = this.target(modelId);
    if (!target) return undefined;
    return { modelId, name: modelId, settings: { contextSize: this.listedModel(modelId)?.contextSize ?? DEFAULT_REMOTE_CONTEXT } };
  }

  private listedModel(modelId: string): ListedModel | undefined {
    const target = this.target(modelId);
    return target ? this.checked.get(target.provider)?.models.find((m) => m.id === target.remoteModel) : undefined;
  }

  runner(model: string): RemoteRunner | undefined {
    const target = this.target(model);
    return target ? (request, caller) => this.activity.run(target, request, caller, (tracked, own) => runRemote(target, tracked, own)) : undefined;
  }

  /** Stops a running remote generation by its request id (`inference.stop`); false when none has it. */
  stop(requestId: string): boolean {
    return this.activity.stop(requestId);
  }

  /** Remote models with requests running now (`hearth ps`), with the context their server lists. */
  inUse(): Array<RemoteInUse & { contextSize: number | undefined }> {
    return this.activity.inUse().map((entry) => ({ ...entry, contextSize: this.listedModel(entry.modelId)?.contextSize }));
  }

  /** Embeddings from a remote model (`/v1/embeddings`), as the remote computed them. */
  async embed(target: RemoteTarget, texts: (string | number[])[], signal: AbortSignal): Promise<EmbedResult> {
    let answer: { data?: Array<{ embedding?: unknown; index?: number }>; usage?: { prompt_tokens?: number } };
    try {
      answer = (await target.client.postJson('/v1/embeddings', { model: target.remoteModel, input: texts, encoding_format: 'float' }, signal, target.remoteModel)) as typeof answer;
    } catch (error) {
      if (error instanceof CallerAborted) throw new AppError('BAD_REQUEST', 'The request was cancelled.');
      throw error;
    }
    const data = [...(answer.data ?? [])].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
    if (data.length !== texts.length || !data.every((entry) => Array.isArray(entry.embedding))) {
      throw new ProviderError('NETWORK', `Provider '${target.provider}' answered /v1/embeddings with ${data.length} vectors for ${texts.length} inputs.`);
    }
    return { vectors: data.map((entry) => entry.embedding as number[]), promptTokens: answer.usage?.prompt_tokens ?? 0 };
  }

  /**
   * Takes in what another process changed in `providers.json` (a provider added, replaced or
   * removed by `hearth provider`): the list is read again when the file is not the one last seen,
   * a new or changed provider is checked (in the background: its models appear when read), and a
   * removed one's models go. Writes made here read back as no change.
   */
  private syncWithFile(): Promise<void> {
    const run = this.syncing.then(async () => {
      if (!(await this.file.changed())) return;
      const next = await this.store.reload();
      const before = new Map(this.providers.map((p) => [p.name, JSON.stringify(p)]));
      const changed = next.filter((p) => before.get(p.name) !== JSON.stringify(p));
      const removed = this.providers.filter((p) => !next.some((n) => n.name === p.name));
      if (changed.length === 0 && removed.length === 0) return;
      this.providers = next;
      for (const { name } of [...changed, ...removed]) {
        this.clients.delete(name);
        this.checked.delete(name);
      }
      this.options.logger.info('providers.json changed; providers read again', { changed: changed.map((p) => p.name), removed: removed.map((p) => p.name) });
      this.options.onChanged?.();
      for (const { name } of changed) void this.test(name).catch(() => undefined);
    });
    this.syncing = run.catch((error: unknown) => this.options.logger.warn('providers.json could not be read again', { error: String(error) }));
    return run;
  }

  private find(name: string): StoredProvider {
    const provider = this.providers.find((p) => p.name === name);
    if (!provider) throw new AppError('NOT_FOUND', `There is no provider named '${name}' (hearth provider ls lists them).`);
    return provider;
  }

  private client(provider: StoredProvider): ProviderClient {
    let client = this.clients.get(provider.name);
    if (!client) {
      client = new ProviderClient({ name: provider.name, baseUrl: provider.baseUrl, key: () => this.keyOf(provider) }, this.options.timeouts ?? PROVIDER_TIMEOUTS);
      this.clients.set(provider.name, client);
    }
    return client;
  }

  private async keyOf(provider: StoredProvider): Promise<string | undefined> {
    if (provider.keySource === 'stored') return this.options.secrets.get(provider.name);
    if (provider.keySource === 'env' && provider.keyEnv) return (this.options.env ?? process.env)[provider.keyEnv] || undefined;
    return undefined;
  }

  private modelsOf(provider: StoredProvider): RemoteModelInfo[] {
    const checked = this.checked.get(provider.name);
    return (checked?.models ?? []).map(({ id: remoteId }) => ({
      id: `${provider.name}/${remoteId}`,
      provider: provider.name,
      remoteId,
      available: checked?.status === 'ok',
      ...(checked?.status === 'down' && checked.error ? { unavailableReason: checked.error } : {}),
    }));
  }

  private async info(provider: StoredProvider): Promise<ProviderInfo> {
    const checked = this.checked.get(provider.name);
    return {
      name: provider.name,
      baseUrl: provider.baseUrl,
      keySource: provider.keySource,
      ...(provider.keyEnv !== undefined ? { keyEnv: provider.keyEnv } : {}),
      hasKey: (await this.keyOf(provider)) !== undefined,
      kind: checked?.kind ?? null,
      version: checked?.version ?? null,
      status: checked?.status ?? 'unknown',
      ...(checked?.error !== undefined ? { error: checked.error } : {}),
      checkedAt: checked?.checkedAt ?? null,
      models: this.modelsOf(provider),
    };
  }
}
