import { routeHref, type Route } from './router';
import type { ReactNode } from 'react';
import { cx } from '../shared/components/ui';
import { ChatIcon, ChipIcon, DiscoverIcon, LabIcon, ModelsIcon, ServerIcon, SettingsIcon } from '../shared/components/icons';

const ITEMS: { route: Route; label: string; icon: ReactNode }[] = [
  { route: 'chat', label: 'Chat', icon: <ChatIcon className="size-5" /> },
  { route: 'discover', label: 'Discover', icon: <DiscoverIcon className="size-5" /> },
  { route: 'models', label: 'Models', icon: <ModelsIcon className="size-5" /> },
  { route: 'hardware', label: 'Hardware', icon: <ChipIcon className="size-5" /> },
  { route: 'server', label: 'Server', icon: <ServerIcon className="size-5" /> },
  { route: 'lab', label: 'Lab', icon: <LabIcon className="size-5" /> },
  { route: 'settings', label: 'Settings', icon: <SettingsIcon className="size-5" /> },
];

/** Left navigation: only the views that work so far. */
export function NavRail({ route }: { route: Route | null }) {
  return (
    <nav
      aria-label="Main"
      className="flex w-20 shrink-0 flex-col gap-1 border-r border-zinc-200 bg-zinc-50 p-2 dark:border-zinc-800 dark:bg-zinc-900"
    >
      <div className="pt-1 pb-3 text-center text-base font-semibold tracking-tight text-accent-text" aria-hidden="true">
        Hearth
      </div>
      {ITEMS.map((item) => {
        const active = item.route === route;
        return (
          <a
            key={item.route}
            href={routeHref(item.route)}
            aria-current={active ? 'page' : undefined}
            className={cx(
              'flex flex-col items-center gap-0.5 rounded-md px-1 py-1.5 text-xs font-medium',
              active
                ? 'bg-accent-soft text-accent-text'
                : 'text-zinc-700 hover:bg-zinc-200 dark:text-zinc-300 dark:hover:bg-zinc-800',
            )}
          >
            {item.icon}
            {item.label}
          </a>
        );
      })}
    </nav>
  );
}
