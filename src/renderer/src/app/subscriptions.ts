import { connectionState, onConnectionChange, onEvent } from '../api/api';
import { parseHash, replaceRoute } from './router';
import { useAppInfoStore } from './appInfo';
import { useConnectionStore } from './connection';
import { useDownloadsStore } from '../features/downloads/downloads';
import { useInferenceStore } from '../features/inference/inference';
import { useFitsStore } from '../features/models/fits';
import { useLibraryStore } from '../features/models/library';
import { useModelsStore } from '../features/models/models';
import { applyChatChanged, refetchChats } from '../features/chat/chatEvents';
import { useConversationStore } from '../features/chat/conversation';
import { useServerStore } from '../features/server/server';
import { useMcpStore } from '../features/mcp/mcp';
import { useProvidersStore } from '../features/providers/providers';

/**
 * The one place pushed state events become store updates. (Reply text is not an event: it
 * streams to the call that asked for it, see `features/chat/conversation.ts`.)
 */

let started = false;
/** Outcome of the startup fetch; a failed one is retried when the connection opens. */
let initial: 'pending' | 'done' | 'failed' = 'pending';

/** Subscribes to every event and fetches the initial state. Call once, before rendering. */
export function startSubscriptions(): void {
  if (started) return;
  started = true;

  onEvent('inference.stateChanged', (state) => useInferenceStore.getState().applyState(state));
  onEvent('inference.loadProgressed', (progress) => useInferenceStore.getState().applyProgress(progress));
  onEvent('library.changed', () => void useModelsStore.getState().refresh());
  onEvent('downloads.changed', (status) => useDownloadsStore.getState().applyStatus(status));
  onEvent('chats.changed', (change) => applyChatChanged(change));
  // A tool call waits for Allow / Deny: read the open chat now (its change notice may be held back a second).
  onEvent('chats.toolCallPending', ({ chatId }) => void (useConversationStore.getState().chatId === chatId && useConversationStore.getState().refresh(chatId)));
  onEvent('server.statusChanged', (status) => useServerStore.getState().applyStatus(status));
  onEvent('server.requestLogged', (entry) => useServerStore.getState().applyLogEntry(entry));
  onEvent('mcp.serversChanged', (overview) => useMcpStore.getState().apply(overview));
  // Remote models (a chat on one can send without a load) follow each check of their provider.
  onEvent('library.changed', ({ reason }) => void (reason === 'providers' && useProvidersStore.getState().fetch()));
  // An unknown view (`#/settings`, an old bookmark) goes home instead of waiting forever.
  window.addEventListener('hashchange', () => initial !== 'pending' && goHomeIfUnknown());
  // Folder counts change with the library; listed only once the Folders section was shown.
  onEvent('library.changed', () => void (useLibraryStore.getState().listed && useLibraryStore.getState().refreshFolders()));
  // Fit badges follow the models list: every listing (startup, a library change, Refresh) estimates again.
  useModelsStore.subscribe((state, previous) => {
    if (state.models !== previous.models) void useFitsStore.getState().refresh();
  });

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
  const modelsListed = useModelsStore.getState().refresh();
  void useAppInfoStore.getState().fetch();
  const downloadsListed = useDownloadsStore.getState().refresh();
  void useServerStore.getState().fetchStatus();
  void useProvidersStore.getState().fetch();
  initial = (await stateLoaded) ? 'done' : 'failed';
  // The home view depends on whether the library is empty: wait for the listing too.
  await Promise.allSettled([modelsListed, downloadsListed]);
  goHomeIfUnknown();
}

/**
 * Default view: Chat when a model is loaded (e.g. after a reload); the welcome screen when the
 * library is empty and nothing is downloading (first run); else My Models to pick one.
 */
function goHomeIfUnknown(): void {
  if (parseHash(window.location.hash) !== null) return;
  if (useInferenceStore.getState().state?.loaded) return replaceRoute('chat');
  const models = useModelsStore.getState();
  const empty = models.listed && models.models.length === 0 && useDownloadsStore.getState().ids.length === 0;
  replaceRoute(empty ? 'welcome' : 'models');
}

async function refetchAll(): Promise<void> {
  await Promise.allSettled([
    useInferenceStore.getState().fetchState(),
    useModelsStore.getState().refresh(),
    useDownloadsStore.getState().refresh(),
    useAppInfoStore.getState().info ? Promise.resolve() : useAppInfoStore.getState().fetch(),
    refetchChats(),
    useServerStore.getState().fetchStatus(),
    useServerStore.getState().fetchLog(),
    // MCP servers only once Settings has shown them.
    useMcpStore.getState().overview ? useMcpStore.getState().fetch() : Promise.resolve(),
  ]);
  goHomeIfUnknown();
}
