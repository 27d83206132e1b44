import { randomUUID } from 'node:crypto';
import type { GenerationOutcome, GenerationRequest } from '../../../shared/generation';
import type { GenerationStreamCaller } from '../generation/generationPipeline';

/** A remote model with requests running on it now, as `hearth ps` (`GET /api/ps`) shows it. */
export interface RemoteInUse {
  /** `<provider>/<model>`. */
  modelId: string;
  provider: string;
  /** Requests running on it from this Hearth. */
  activeRequests: number;
  /** When the oldest of them started (ISO-8601). */
  since: string;
}

interface Running {
  requestId: string;
  modelId: string;
  provider: string;
  startedAt: string;
  controller: AbortController;
}

/**
 * The remote generations running now: what `hearth ps` lists beside the resident local models,
 * and what `inference.stop` reaches by request id (a local one is the fleet's). Each run gets its
 * own abort signal, tied to the caller's, so a stop by id closes the remote connection exactly as
 * a client that leaves does.
 */
export class RemoteActivity {
  private readonly running = new Set<Running>();

  async run(
    target: { modelId: string; provider: string },
    request: GenerationRequest,
    caller: GenerationStreamCaller,
    generate: (request: GenerationRequest, caller: GenerationStreamCaller) => Promise<GenerationOutcome>,
  ): Promise<GenerationOutcome> {
    const requestId = request.requestId ?? `gen-${randomUUID()}`;
    const controller = new AbortController();
    const follow = () => controller.abort(caller.signal.reason);
    if (caller.signal.aborted) follow();
    else caller.signal.addEventListener('abort', follow, { once: true });
    const entry: Running = { requestId, modelId: target.modelId, provider: target.provider, startedAt: new Date().toISOString(), controller };
    this.running.add(entry);
    try {
      return await generate({ ...request, requestId }, { signal: controller.signal, emit: caller.emit });
    } finally {
      this.running.delete(entry);
      caller.signal.removeEventListener('abort', follow);
    }
  }

  /** Stops the remote generations with this request id; false when none runs (then it may be a local one). */
  stop(requestId: string): boolean {
    let stopped = false;
    for (const entry of this.running) {
      if (entry.requestId !== requestId) continue;
      entry.controller.abort();
      stopped = true;
    }
    return stopped;
  }

  /** Remote models with requests running, one entry each, in the order their first request started. */
  inUse(): RemoteInUse[] {
    const byModel = new Map<string, RemoteInUse>();
    for (const entry of this.running) {
      const known = byModel.get(entry.modelId);
      if (known) known.activeRequests++;
      else byModel.set(entry.modelId, { modelId: entry.modelId, provider: entry.provider, activeRequests: 1, since: entry.startedAt });
    }
    return [...byModel.values()];
  }
}
