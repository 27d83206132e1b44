import { AppError } from '../../../shared/errors';

/** Runs one unit of native work with nothing else decoding (the lockstep scheduler's `exclusive`). */
export type Exclusive = <T>(task: () => Promise<T>) => Promise<T>;

/**
 * A second context on the loaded model's weights (embeddings, ranking), shared by the classes that
 * use one: created on first use (a chat-only user never pays for its KV cache), its calls run one
 * after another, and it is disposed with the model after the call in progress ends.
 */
export class SideContext<C extends { dispose(): Promise<void> }> {
  private context: Promise<C> | undefined;
  /** The call in progress, which {@link dispose} lets end first. */
  private running: Promise<unknown> | undefined;
  private disposed = false;

  constructor(
    private readonly exclusive: Exclusive,
    /** Creates the context; its failure is thrown as what `failed` makes of it, and the next call tries again. */
    private readonly create: () => Promise<C>,
    private readonly failed: (error: unknown) => AppError,
  ) {}

  /** Runs `task` after the calls before it (a failed one does not stop the next). */
  serial<T>(task: () => Promise<T>): Promise<T> {
    const run = (this.running ?? Promise.resolve()).catch(() => {}).then(task);
    this.running = run;
    return run;
  }

  /** Throws MODEL_NOT_LOADED once the model was unloaded (checked between the items of a call). */
  ensureOpen(what: string): void {
    if (this.disposed) throw new AppError('MODEL_NOT_LOADED', `The model was unloaded before ${what} ${what.endsWith('s') ? 'were' : 'was'} finished.`);
  }

  /** Disposed: the model was unloaded. */
  get closed(): boolean {
    return this.disposed;
  }

  get(): Promise<C> {
    if (this.disposed) return Promise.reject(new AppError('MODEL_NOT_LOADED', 'The model was unloaded.'));
    this.context ??= this.exclusive(this.create).catch((error: unknown) => {
      this.context = undefined;
      throw this.failed(error);
    });
    return this.context;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await this.running?.catch(() => {});
    const context = await this.context?.catch(() => undefined);
    this.context = undefined;
    await context?.dispose();
  }
}
