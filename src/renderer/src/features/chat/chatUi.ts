import { cx } from '../../shared/components/ui';

/** Class lists of the chat's small controls. */

export const iconButton = cx(
  'inline-flex items-center gap-1 rounded px-1.5 py-1 text-zinc-500 hover:bg-zinc-100 hover:text-zinc-900',
  'disabled:cursor-not-allowed disabled:opacity-40 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-zinc-100',
);

export const fieldInput = cx(
  'w-full rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm',
  'aria-invalid:border-red-600 dark:border-zinc-700 dark:bg-zinc-900 dark:aria-invalid:border-red-400',
);

export const panelHeading = 'text-xs font-semibold tracking-wide text-zinc-500 uppercase dark:text-zinc-400';
