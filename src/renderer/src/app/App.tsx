import { NavRail } from './NavRail';
import { StatusBar } from './StatusBar';
import { useHashRoute } from './router';
import { ChatView } from '../features/chat/ChatView';
import { DiscoverView } from '../features/discover/DiscoverView';
import { DownloadsPanel } from '../features/downloads/DownloadsPanel';
import { HardwareView } from '../features/hardware/HardwareView';
import { ModelsView } from '../features/models/ModelsView';
import { ServerView } from '../features/server/ServerView';
import { LabView } from '../features/lab/LabView';
import { SettingsView } from '../features/settings/SettingsView';
import { WelcomeView } from '../features/welcome/WelcomeView';
import { mutedText } from '../shared/components/ui';

/**
 * App shell: navigation rail, the current view, and the status bar that is always visible.
 * Before the first state arrives there is no route yet (the default depends on whether a model
 * is loaded, and on an empty library the welcome screen), so the main area says what it is
 * waiting for. The Downloads panel overlays the view (never a column that squeezes it).
 */
export function App() {
  const route = useHashRoute();
  return (
    <div className="flex h-full flex-col">
      <div className="relative flex min-h-0 flex-1">
        <NavRail route={route} />
        <main className="min-w-0 flex-1">
          {route === 'welcome' && <WelcomeView />}
          {route === 'chat' && <ChatView />}
          {route === 'discover' && <DiscoverView />}
          {route === 'models' && <ModelsView />}
          {route === 'hardware' && <HardwareView />}
          {route === 'server' && <ServerView />}
          {route === 'lab' && <LabView />}
          {route === 'settings' && <SettingsView />}
          {route === null && <p className={`p-6 ${mutedText}`}>Connecting to Hearth…</p>}
        </main>
        <DownloadsPanel />
      </div>
      <StatusBar />
    </div>
  );
}
