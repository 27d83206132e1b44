import { routeHref, type Route } from './router';
import { cx } from '../shared/components/ui';

const ITEMS: { route: Route; label: string }[] = [
  { route: 'chat', label: 'Chat' },
  { route: 'models', label: 'Models' },
  { route: 'hardware', label: 'Hardware' },
];

/** Left navigation: only the views that work so far. */
export function NavRail({ route }: { route: Route | null }) {
  return (
    <nav
      aria-label="Main"
      className="flex w-24 shrink-0 flex-col gap-1 border-r border-zinc-200 bg-zinc-50 p-2 dark:border-zinc-800 dark:bg-zinc-900"
    >
      <div className="px-2 pt-1 pb-3 text-base font-semibold tracking-tight text-accent-text" aria-hidden="true">
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
              'rounded-md px-2 py-1.5 font-medium',
              active
                ? 'bg-accent-soft text-accent-text'
                : 'text-zinc-700 hover:bg-zinc-200 dark:text-zinc-300 dark:hover:bg-zinc-800',
            )}
          >
            {item.label}
          </a>
        );
      })}
    </nav>
  );
}
