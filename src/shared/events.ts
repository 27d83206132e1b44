import type { InferenceState } from './dto';

/**
 * Events pushed from core to every connected UI. Names are `group.nounVerbed`.
 * Payloads are small: token events carry only the new text since the last event.
 */
export interface AppEvents {
  /** Engine, loaded model, load progress or active requests changed. */
  'inference.stateChanged': InferenceState;
  /** Load progress of `modelId`, 0–1. Sent at most every ~50 ms. */
  'inference.loadProgressed': { modelId: string; progress: number };
  /** New reply text for `requestId`: a batch of `tokenCount` tokens decoded to `text`. */
  'inference.tokensGenerated': { requestId: string; text: string; tokenCount: number };
  /** The models folder changed; clients refetch `library.listModels`. */
  'library.changed': { reason: string };
}

export type EventName = keyof AppEvents;

export const eventNames: EventName[] = [
  'inference.stateChanged',
  'inference.loadProgressed',
  'inference.tokensGenerated',
  'library.changed',
];

/** Envelope used by transports that carry events as one message type. */
export interface EventEnvelope<E extends EventName = EventName> {
  event: E;
  payload: AppEvents[E];
}
