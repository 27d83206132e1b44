import type { ChatArgs, ChatResult, InferenceState, LoadedModel, LoadOptions } from '../../../shared/dto';
import type { EngineService, GenerationCaller } from '../engine/engineService';
import type { LibraryService } from '../library/libraryService';

/** Context window when the caller does not ask for one: long enough to chat, small enough to fit. */
export const DEFAULT_CONTEXT_SIZE = 4096;

export interface InferenceServiceOptions {
  engine: EngineService;
  library: LibraryService;
  /** Generation threads when a load does not say. */
  defaultThreads: number;
}

/**
 * The `inference.*` methods: resolves model ids to files and settings to defaults, then asks the
 * shared {@link EngineService}, which owns the engine, its state and its scheduling.
 */
export class InferenceService {
  constructor(private readonly options: InferenceServiceOptions) {}

  getState(): InferenceState {
    return this.options.engine.getState();
  }

  loadModel(args: LoadOptions): Promise<LoadedModel> {
    // The file is looked up when this load's turn comes, so concurrent loads keep their call order.
    return this.options.engine.load(async () => {
      const model = await this.options.library.getModel(args.modelId);
      const trained = model.metadata?.trainedContextLength || DEFAULT_CONTEXT_SIZE;
      return {
        modelId: model.id,
        modelPath: model.path,
        contextSize: Math.min(args.contextSize ?? DEFAULT_CONTEXT_SIZE, trained),
        threads: args.threads ?? this.options.defaultThreads,
        parallel: args.parallel ?? 'auto',
      };
    });
  }

  unloadModel(): Promise<{ unloaded: boolean }> {
    return this.options.engine.unload();
  }

  chat(args: ChatArgs, caller: GenerationCaller): Promise<ChatResult> {
    return this.options.engine.generate(args, caller);
  }

  async stop(args: { requestId: string }): Promise<{ stopped: boolean }> {
    return { stopped: await this.options.engine.stop(args.requestId) };
  }
}
