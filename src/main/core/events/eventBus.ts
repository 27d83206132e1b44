import type { AppEvents, EventName } from '../../../shared/events';

export type EventListener = <E extends EventName>(event: E, payload: AppEvents[E]) => void;

/** Typed fan-out of core events to every host. A throwing listener never breaks the others. */
export class EventBus {
  private readonly listeners = new Set<EventListener>();

  emit<E extends EventName>(event: E, payload: AppEvents[E]): void {
    for (const listener of this.listeners) {
      try {
        listener(event, payload);
      } catch {
        // A broken subscriber (e.g. a closed socket) must not stop delivery to the rest.
      }
    }
  }

  /** Returns an unsubscribe function. */
  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
