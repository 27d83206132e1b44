/**
 * Writes per key, one at a time, last state wins: while a write of a key is in flight, newer
 * states replace each other and only the newest is written next. No two writes of one file ever
 * overlap (so an older state can never land after a newer one), and no state handed in is lost:
 * each `write` resolves once a state at least as new as its own is on disk.
 */
export class SerialWriter {
  private readonly slots = new Map<string, { pending: string | null; running: Promise<void> | null }>();

  constructor(private readonly writeOne: (key: string, data: string) => Promise<void>) {}

  write(key: string, data: string): Promise<void> {
    let slot = this.slots.get(key);
    if (!slot) {
      slot = { pending: null, running: null };
      this.slots.set(key, slot);
    }
    slot.pending = data;
    slot.running ??= this.drain(key, slot);
    return slot.running;
  }

  /**
   * Resolves when every write of `key` handed in so far has finished (or failed). A state left
   * pending by a failed write is tried once more first (shutdown must not drop it silently).
   */
  async settle(key: string): Promise<void> {
    const slot = this.slots.get(key);
    if (!slot) return;
    if (slot.pending !== null) slot.running ??= this.drain(key, slot);
    await slot.running?.catch(() => {});
  }

  /** Resolves when every write handed in so far has finished (or failed). */
  async flush(): Promise<void> {
    await Promise.all([...this.slots.keys()].map((key) => this.settle(key)));
  }

  private async drain(key: string, slot: { pending: string | null; running: Promise<void> | null }): Promise<void> {
    try {
      while (slot.pending !== null) {
        const data = slot.pending;
        slot.pending = null;
        await this.writeOne(key, data);
      }
    } finally {
      slot.running = null;
      // A failed write leaves the newest state pending: the next write of this key retries it.
      if (slot.pending === null) this.slots.delete(key);
    }
  }
}
