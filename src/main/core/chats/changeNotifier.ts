/** Least time between two `chats.changed` events of one conversation, in ms. */
export const CHANGE_EVENT_INTERVAL_MS = 1_000;

/**
 * Throttles change notices per conversation: the first goes out at once, later ones within
 * {@link CHANGE_EVENT_INTERVAL_MS} are merged into one sent when the interval is over. The
 * payload is built when it is sent, so the trailing notice always describes the latest state
 * (e.g. a reply that started and ended within one interval ends with `generating: false`).
 */
export class ChangeNotifier {
  private readonly lastSent = new Map<string, number>();
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly send: (chatId: string) => void,
    private readonly intervalMs = CHANGE_EVENT_INTERVAL_MS,
  ) {}

  notify(chatId: string): void {
    if (this.timers.has(chatId)) return;
    const wait = (this.lastSent.get(chatId) ?? -Infinity) + this.intervalMs - performance.now();
    if (wait <= 0) {
      this.fire(chatId);
      return;
    }
    this.timers.set(
      chatId,
      setTimeout(() => {
        this.timers.delete(chatId);
        this.fire(chatId);
      }, wait),
    );
  }

  /** Sends every pending notice now (shutdown), then stops. */
  flush(): void {
    for (const [chatId, timer] of this.timers) {
      clearTimeout(timer);
      this.send(chatId);
    }
    this.timers.clear();
  }

  private fire(chatId: string): void {
    this.lastSent.set(chatId, performance.now());
    this.send(chatId);
  }
}
