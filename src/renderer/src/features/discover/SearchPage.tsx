import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { HubModelSummary, HubSort } from '../../../../shared/hubDto';
import { formatBytes, formatCtx, formatParams } from '../../shared/lib/format';
import { badge, cx, errorText, link, mutedText, primaryButton, secondaryButton } from '../../shared/components/ui';
import { useHardwareStore } from '../hardware/hardware';
import { SORT_CHOICES, formatCount, formatDay, useSearchStore } from './discover';
import { GatedBadge, LicenceBadge } from './LicenceBadge';
import { looksLikeReference, repoHref } from './reference';
import { estimateResult, RESULT_FIT_TEXT } from './resultFit';

/** Typing pause before a search is sent, in ms: one request per word, not per key. */
const SEARCH_DEBOUNCE_MS = 350;

const inputClasses =
  'rounded-md border border-zinc-300 bg-white px-2.5 py-1.5 dark:border-zinc-700 dark:bg-zinc-900';

/**
 * `#/discover`: the search box first (words, or a pasted repo / URL that opens the repo), the
 * order, and the results a page at a time. Opens with the most downloaded GGUF repos.
 */
export function SearchPage() {
  const query = useSearchStore((s) => s.query);
  const sort = useSearchStore((s) => s.sort);
  const searched = useSearchStore((s) => s.searched);
  const loading = useSearchStore((s) => s.loading);
  const search = useSearchStore((s) => s.search);
  const [text, setText] = useState(query);
  const sortId = useId();
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useEffect(() => {
    if (!searched && !useSearchStore.getState().loading) void search('', 'downloads');
  }, [searched, search]);
  // Fit hints in the results need this machine's memory (read once, shared with the Hardware view).
  useEffect(() => {
    if (!useHardwareStore.getState().snapshot) void useHardwareStore.getState().fetch();
  }, []);
  useEffect(() => () => clearTimeout(timer.current), []);

  /** Searches as the user types, after a pause; a pasted repo reference waits for Enter. */
  const onType = (value: string) => {
    setText(value);
    clearTimeout(timer.current);
    if (looksLikeReference(value)) return;
    timer.current = setTimeout(() => {
      if (value.trim() !== useSearchStore.getState().query.trim()) void search(value, useSearchStore.getState().sort);
    }, SEARCH_DEBOUNCE_MS);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    clearTimeout(timer.current);
    if (looksLikeReference(text)) window.location.hash = repoHref(text);
    else void search(text, sort);
  };

  return (
    <div className="h-full overflow-y-auto p-6">
      <h1 className="text-lg font-semibold">Discover</h1>
      <form role="search" aria-label="Models on Hugging Face" onSubmit={submit} className="mt-4 flex flex-wrap items-center gap-2">
        <input
          type="search"
          aria-label="Search models"
          placeholder="Search GGUF models, or paste owner/repo or a Hugging Face URL"
          value={text}
          onChange={(event) => onType(event.target.value)}
          className={cx(inputClasses, 'min-w-0 flex-1 basis-64')}
          autoFocus
        />
        <button type="submit" className={primaryButton} aria-busy={loading}>
          Search
        </button>
        <label htmlFor={sortId} className="font-medium">
          Sort
        </label>
        <select
          id={sortId}
          value={sort}
          onChange={(event) => void search(query, event.target.value as HubSort)}
          className={cx(inputClasses, 'py-1 text-sm')}
        >
          {SORT_CHOICES.map((choice) => (
            <option key={choice.value} value={choice.value}>
              {choice.text}
            </option>
          ))}
        </select>
      </form>
      <SearchResults />
    </div>
  );
}

function SearchResults() {
  const query = useSearchStore((s) => s.query);
  const sort = useSearchStore((s) => s.sort);
  const results = useSearchStore((s) => s.results);
  const nextCursor = useSearchStore((s) => s.nextCursor);
  const loading = useSearchStore((s) => s.loading);
  const loadingMore = useSearchStore((s) => s.loadingMore);
  const searched = useSearchStore((s) => s.searched);
  const error = useSearchStore((s) => s.error);
  const search = useSearchStore((s) => s.search);
  const loadMore = useSearchStore((s) => s.loadMore);

  return (
    <div className="mt-4" aria-busy={loading}>
      {loading && <p className={mutedText}>Searching…</p>}
      {error && (
        <div role="alert" className="mb-3 max-w-2xl rounded-md border border-red-200 p-3 dark:border-red-900">
          <p className={errorText}>Search failed: {error}</p>
          <p className={cx('mt-1 text-xs', mutedText)}>
            Hearth searches huggingface.co, or the mirror set in HF_ENDPOINT.
          </p>
          <button type="button" className={cx(secondaryButton, 'mt-2 px-2 py-0.5 text-xs')} onClick={() => void (results.length > 0 ? loadMore() : search(query, sort))}>
            Try again
          </button>
        </div>
      )}
      {!loading && searched && !error && results.length === 0 && (
        <p className={mutedText}>
          No GGUF models match “{query}”. Try fewer or other words, or paste a repo id such as{' '}
          <code className="font-mono">owner/repo</code>.
        </p>
      )}
      {results.length > 0 && (
        <ul aria-label="Search results" className="divide-y divide-zinc-100 dark:divide-zinc-800/70">
          {results.map((model) => (
            <SearchResult key={model.id} model={model} />
          ))}
        </ul>
      )}
      {nextCursor && !loading && (
        <button type="button" className={cx(secondaryButton, 'mt-3')} disabled={loadingMore} onClick={() => void loadMore()}>
          {loadingMore ? 'Loading…' : 'More results'}
        </button>
      )}
    </div>
  );
}

function SearchResult({ model }: { model: HubModelSummary }) {
  const hardware = useHardwareStore((s) => s.snapshot);
  const estimate = estimateResult(model.parameterCount, hardware);
  const facts = [
    `${formatCount(model.downloads)} downloads`,
    `${formatCount(model.likes)} likes`,
    model.parameterCount ? `${formatParams(model.parameterCount)} params` : null,
    model.architecture ?? null,
    model.contextLength ? formatCtx(model.contextLength) : null,
    formatDay(model.lastModified) ? `updated ${formatDay(model.lastModified)}` : null,
  ].filter(Boolean);
  return (
    <li className="py-2.5">
      <div className="flex flex-wrap items-center gap-2">
        <a href={repoHref(model.id)} className={cx(link, 'min-w-0 break-words')}>
          {model.id}
        </a>
        <GatedBadge gated={model.gated} />
        <LicenceBadge licence={model.license} explain />
      </div>
      {estimate && (
        <p className="mt-1 flex flex-wrap items-center gap-1.5 text-xs" data-testid="result-size-fit">
          <span className="font-mono tabular-nums" title="Approximate size of the Q4_K_M file, from the parameter count; open the repo for each file's real size.">
            ≈ {formatBytes(estimate.sizeBytes)} at Q4_K_M
          </span>
          {estimate.fit && (
            <span
              className={cx(
                badge,
                estimate.fit === 'too-large'
                  ? 'bg-red-50 text-red-800 dark:bg-red-950 dark:text-red-300'
                  : 'bg-emerald-50 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300',
              )}
              title="A guess from the size and this machine's free memory; the repo page estimates each file from its header."
            >
              {RESULT_FIT_TEXT[estimate.fit]}
            </span>
          )}
        </p>
      )}
      <p className={cx('mt-0.5 font-mono text-xs tabular-nums break-words', mutedText)}>{facts.join(' · ')}</p>
    </li>
  );
}
