import { useEffect, useMemo, useState } from 'react';
import type { Options } from 'react-markdown';

type PluggableList = NonNullable<Options['remarkPlugins']>;
const NONE: PluggableList = [];

/**
 * The heavy parts of message rendering — KaTeX for math and highlight.js for code — are loaded
 * only when a message needs them (dynamic imports: their own chunks, fetched on first use), so
 * the app starts without them. Once loaded they stay; later messages render with them at once.
 */

interface MathPlugins {
  remark: PluggableList;
  rehype: PluggableList;
}

let math: MathPlugins | null = null;
let mathLoading: Promise<MathPlugins> | null = null;
let highlight: PluggableList | null = null;
let highlightLoading: Promise<PluggableList> | null = null;

function loadMath(): Promise<MathPlugins> {
  mathLoading ??= Promise.all([import('remark-math'), import('rehype-katex'), import('katex/dist/katex.min.css')]).then(([remarkMath, rehypeKatex]) => {
    math = { remark: [remarkMath.default], rehype: [rehypeKatex.default] };
    return math;
  });
  return mathLoading;
}

function loadHighlight(): Promise<PluggableList> {
  highlightLoading ??= import('rehype-highlight').then((module) => {
    highlight = [module.default];
    return highlight;
  });
  return highlightLoading;
}

/** `$…$`, `$$…$$` (after the delimiters were normalised), or a LaTeX environment. */
export function needsMath(text: string): boolean {
  return /\$[^$\n]+\$|\$\$|\\begin\{/.test(text);
}

/** A fenced code block (highlighting applies to fenced blocks only). */
export function needsHighlight(text: string): boolean {
  return /^\s*(```|~~~)/m.test(text);
}

/** The extra plugins `text` needs, loading them on first use; re-renders when they arrive. */
export function useMarkdownPlugins(text: string): { remark: PluggableList; rehype: PluggableList } {
  const wantMath = needsMath(text);
  const wantHighlight = needsHighlight(text);
  const [, setLoaded] = useState(0);
  useEffect(() => {
    let live = true;
    const pending: Promise<unknown>[] = [];
    if (wantMath && !math) pending.push(loadMath());
    if (wantHighlight && !highlight) pending.push(loadHighlight());
    if (pending.length > 0) {
      void Promise.allSettled(pending).then(() => {
        if (live) setLoaded((n) => n + 1);
      });
    }
    return () => {
      live = false;
    };
  }, [wantMath, wantHighlight]);
  const mathReady = wantMath && math !== null;
  const highlightReady = wantHighlight && highlight !== null;
  // Stable arrays while nothing changes, so memoised renders stay memoised.
  return useMemo(
    () => ({
      remark: mathReady ? math!.remark : NONE,
      rehype: mathReady || highlightReady ? [...(mathReady ? math!.rehype : NONE), ...(highlightReady ? highlight! : NONE)] : NONE,
    }),
    [mathReady, highlightReady],
  );
}
