import type { Generation } from './generation';

/**
 * Runs every active generation in rounds: each round starts one step of every generation, in
 * ascending sequence id, before awaiting any of them, so node-llama-cpp hands llama.cpp one batch
 * per round instead of one per sequence. (The obvious per-sequence loop lets each sequence's
 * sampling round trip miss the batch; see shared/notes/engine-performance.md: lockstep took 4
 * streams from 155 to 284 tok/s.) Generations added during a round join the next one.
 *
 * Plain-text replies decode their tokens directly (directDecode.ts), which costs less per token
 * than node-llama-cpp's batching queue: those handed in during one round share one batch too.
 *
 * Other native work (an embedding) runs through {@link exclusive}: between two rounds, alone, so
 * two computations never compete for the cores.
 */
export class LockstepScheduler {
  private active: Generation[] = [];
  private exclusiveTasks: Array<() => Promise<void>> = [];
  private loop: Promise<void> | undefined;

  /** Generations still running (a finished one leaves the list at the end of its round). */
  get size(): number {
    return this.active.filter((generation) => !generation.finished).length;
  }

  has(requestId: string): Generation | undefined {
    return this.active.find((generation) => generation.requestId === requestId && !generation.finished);
  }

  add(generation: Generation): void {
    this.active.push(generation);
    this.loop ??= this.run();
  }

  /** Runs `task` after the current round, before the next one: nothing else decodes meanwhile. */
  exclusive<T>(task: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.exclusiveTasks.push(async () => {
        try {
          resolve(await task());
        } catch (error) {
          reject(error);
        }
      });
      this.loop ??= this.run();
    });
  }

  abortAll(): void {
    for (const generation of this.active) generation.abort();
  }

  /** Resolves when no generation or exclusive task is running (after an abort of all, for instance). */
  async idle(): Promise<void> {
    while (this.loop) await this.loop;
  }

  private async run(): Promise<void> {
    try {
      while (this.active.length || this.exclusiveTasks.length) {
        while (this.exclusiveTasks.length) await this.exclusiveTasks.shift()!();
        if (!this.active.length) continue;
        const round = [...this.active].sort((a, b) => a.slot.id - b.slot.id);
        await Promise.all(round.map((generation) => generation.step().catch((error: unknown) => generation.fail(error))));
        this.active = this.active.filter((generation) => !generation.finished);
      }
    } finally {
      // Cleared in the same synchronous run as the last emptiness check: a generation added after
      // it starts a new loop, never joins one that has already ended (that would hang it forever).
      this.loop = undefined;
    }
  }
}
