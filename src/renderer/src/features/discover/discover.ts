import { create } from 'zustand';
import type { HubModelSummary, HubSort } from '../../../../shared/hubDto';
import { api } from '../../api/api';
import { errorMessage } from '../../api/errors';

/** Results per page: one screen of the list. */
export const PAGE_SIZE = 20;

export const SORT_CHOICES: { value: HubSort; text: string }[] = [
  { value: 'downloads', text: 'Most downloaded' },
  { value: 'likes', text: 'Most liked' },
  { value: 'lastModified', text: 'Recently updated' },
];

interface SearchState {
  /** The query and order the results are for (what was submitted, not what is being typed). */
  query: string;
  sort: HubSort;
  results: HubModelSummary[];
  nextCursor: string | undefined;
  /** A first page is in flight. */
  loading: boolean;
  /** A further page ("More results") is in flight. */
  loadingMore: boolean;
  /** At least one search answered, so an empty list means "nothing found". */
  searched: boolean;
  error: string | null;
  search(query: string, sort: HubSort): Promise<void>;
  loadMore(): Promise<void>;
}

/** Counts searches so a slow answer to an older one never replaces a newer one. */
let generation = 0;

export const useSearchStore = create<SearchState>()((set, get) => ({
  query: '',
  sort: 'downloads',
  results: [],
  nextCursor: undefined,
  loading: false,
  loadingMore: false,
  searched: false,
  error: null,
  async search(query, sort) {
    const mine = ++generation;
    set({ query, sort, loading: true, loadingMore: false, error: null });
    try {
      const page = await api.hub.search({ ...(query.trim() ? { query: query.trim() } : {}), sort, limit: PAGE_SIZE });
      if (mine === generation) set({ results: page.models, nextCursor: page.nextCursor, loading: false, searched: true });
    } catch (error) {
      if (mine === generation) set({ results: [], nextCursor: undefined, loading: false, searched: true, error: errorMessage(error) });
    }
  },
  async loadMore() {
    const { nextCursor, query, sort, loadingMore } = get();
    if (!nextCursor || loadingMore) return;
    const mine = generation;
    set({ loadingMore: true, error: null });
    try {
      const page = await api.hub.search({ ...(query.trim() ? { query: query.trim() } : {}), sort, limit: PAGE_SIZE, cursor: nextCursor });
      if (mine === generation) set((s) => ({ results: [...s.results, ...page.models], nextCursor: page.nextCursor, loadingMore: false }));
    } catch (error) {
      if (mine === generation) set({ loadingMore: false, error: errorMessage(error) });
    }
  },
}));

/** `5234` → `"5.2K"`, `1_200_000` → `"1.2M"`: counts of downloads and likes. */
export function formatCount(count: number): string {
  if (!Number.isFinite(count) || count < 0) return '–';
  return new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 }).format(count);
}

/** The day of an ISO time, `2026-01-10`; empty when absent or unreadable. */
export function formatDay(iso: string | undefined): string {
  if (!iso) return '';
  const time = Date.parse(iso);
  return Number.isNaN(time) ? '' : new Date(time).toISOString().slice(0, 10);
}
