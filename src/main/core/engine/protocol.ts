import type { ErrorShape } from '../../../shared/errors';
import type { ChatMessage, GenerationStats, SamplingParams } from '../../../shared/dto';

/**
 * Messages between the host and the engine process. Plain JSON-serializable objects only, so
 * the same worker runs under Node's `child_process.fork` and Electron's `utilityProcess`.
 */

export interface LoadRequest {
  op: 'load';
  modelPath: string;
  contextSize: number;
  threads: number;
}
export interface UnloadRequest {
  op: 'unload';
}
export interface GenerateRequest {
  op: 'generate';
  requestId: string;
  messages: ChatMessage[];
  params: SamplingParams;
}
export interface AbortRequest {
  op: 'abort';
  requestId: string;
}

export type EngineRequest = LoadRequest | UnloadRequest | GenerateRequest | AbortRequest;

export interface LoadResult {
  name: string;
  contextSize: number;
  threads: number;
  modelBytes: number;
  trainContextSize: number;
}
export interface GenerateResult {
  text: string;
  stats: GenerationStats;
}

export type EngineResultOf<R extends EngineRequest> = R extends LoadRequest
  ? LoadResult
  : R extends GenerateRequest
    ? GenerateResult
    : R extends AbortRequest
      ? { aborted: boolean }
      : { unloaded: boolean };

/** Host → engine. */
export interface EngineCall {
  kind: 'call';
  id: number;
  request: EngineRequest;
}

/** Engine → host. */
export type EngineMessage =
  | { kind: 'ready'; pid: number }
  | { kind: 'result'; id: number; ok: true; value: unknown }
  | { kind: 'result'; id: number; ok: false; error: ErrorShape }
  | { kind: 'loadProgress'; progress: number }
  /** A batch of streamed text: several tokens per message keep the boundary cheap. */
  | { kind: 'tokens'; requestId: string; text: string; tokenCount: number };
