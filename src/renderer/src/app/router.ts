import { useSyncExternalStore } from 'react';

/** The views that exist so far; the navigation shows these (the first-run `welcome` is reached from My Models). */
export type Route = 'welcome' | 'chat' | 'discover' | 'models' | 'hardware' | 'server' | 'lab' | 'settings';

const ROUTES: readonly Route[] = ['welcome', 'chat', 'discover', 'models', 'hardware', 'server', 'lab', 'settings'];

/** `#/models` → `models`; anything else (empty, unknown views) → null. */
export function parseHash(hash: string): Route | null {
  const name = hash.replace(/^#\/?/, '').split(/[/?]/)[0] ?? '';
  return (ROUTES as readonly string[]).includes(name) ? (name as Route) : null;
}

export function routeHref(route: Route): string {
  return `#/${route}`;
}

const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener('hashchange', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('hashchange', listener);
  };
}

/** The route in the address bar, or null when it names none. Re-renders on navigation. */
export function useHashRoute(): Route | null {
  return useSyncExternalStore(subscribe, () => parseHash(window.location.hash));
}

/**
 * Sets the route without adding a history entry (used once, to pin the startup default so that
 * later state changes — loading a model — do not move the user to another view).
 */
export function replaceRoute(route: Route): void {
  window.history.replaceState(window.history.state, '', routeHref(route));
  for (const listener of listeners) listener();
}
