import { connectionState, onConnectionChange, onEvent } from './api/api';
import { parseHash, replaceRoute } from './lib/router';
import { useAppInfoStore } from './stores/appInfo';
import { useChatStore } from './stores/chat';
import { useConnectionStore } from './stores/connection';
import { useInferenceStore } from './stores/inference';
import { useModelsStore } from './stores/models';
import { createTokenBuffer, type Scheduler } from './stores/tokenBuffer';

/**
 * The one place pushed events become store updates. Token events are buffered and applied once
 * per animation frame, so a fast model re-renders the reply at screen rate, not per token.
 */

/** Next frame while visible; hidden tabs get no frames, so fall back to a timer there. */
const nextFrame: Scheduler = (callback) => {
  if (document.hidden) setTimeout(callback, 100);
  else requestAnimationFrame(callback);
};

let started = false;
/** Outcome of the startup fetch; a failed one is retried when the connection opens. */
let initial: 'pending' | 'done' | 'failed' = 'pending';

/** Subscribes to every event and fetches the initial state. Call once, before rendering. */
export function startSubscriptions(): void {
  if (started) return;
  started = true;

  const tokens = createTokenBuffer(nextFrame, (batch) => useChatStore.getState().applyTokens(batch));

  onEvent('inference.stateChanged', (state) => useInferenceStore.getState().applyState(state));
  onEvent('inference.loadProgressed', (progress) => useInferenceStore.getState().applyProgress(progress));
  onEvent('inference.tokensGenerated', ({ requestId, text }) => tokens.push(requestId, text));
  onEvent('library.changed', () => void useModelsStore.getState().refresh());

  let wasOpen = connectionState() === 'open';
  useConnectionStore.getState().set(connectionState());
  onConnectionChange((state) => {
    useConnectionStore.getState().set(state);
    if (state !== 'open') return;
    // Events sent while disconnected are gone: re-read what they would have told us. (Calls
    // queued during the first connect are sent now anyway, unless they already gave up.)
    if (wasOpen || initial === 'failed') void refetchAll();
    wasOpen = true;
  });

  void initialLoad();
}

async function initialLoad(): Promise<void> {
  const inference = useInferenceStore.getState();
  const stateLoaded = inference.fetchState().then(
    () => true,
    () => false,
  );
  void useModelsStore.getState().refresh();
  void useAppInfoStore.getState().fetch();
  initial = (await stateLoaded) ? 'done' : 'failed';
  // Default view: Chat when a model is loaded (e.g. after a reload), else Models to pick one.
  if (parseHash(window.location.hash) === null) {
    replaceRoute(useInferenceStore.getState().state?.loaded ? 'chat' : 'models');
  }
}

async function refetchAll(): Promise<void> {
  await Promise.allSettled([
    useInferenceStore.getState().fetchState(),
    useModelsStore.getState().refresh(),
    useAppInfoStore.getState().info ? Promise.resolve() : useAppInfoStore.getState().fetch(),
  ]);
}
