import { useSyncExternalStore } from 'react';
import { referenceFromHash } from './reference';
import { RepoPage } from './RepoPage';
import { SearchPage } from './SearchPage';

function subscribe(listener: () => void): () => void {
  window.addEventListener('hashchange', listener);
  return () => window.removeEventListener('hashchange', listener);
}

/** `#/discover` searches; `#/discover/<owner>/<repo>` (or an encoded reference) opens a repo. */
export function DiscoverView() {
  const reference = useSyncExternalStore(subscribe, () => referenceFromHash(window.location.hash));
  return reference === null ? <SearchPage /> : <RepoPage key={reference} reference={reference} />;
}
