/** Shared class lists, so buttons and badges look the same on every screen. */

export function cx(...classes: (string | false | null | undefined)[]): string {
  return classes.filter(Boolean).join(' ');
}

const buttonBase =
  'inline-flex items-center justify-center gap-1.5 rounded-md px-3 py-1.5 text-sm font-medium transition-colors ' +
  'disabled:cursor-not-allowed disabled:opacity-50';

export const primaryButton = cx(buttonBase, 'bg-accent text-white hover:bg-accent-hover disabled:hover:bg-accent');

export const secondaryButton = cx(
  buttonBase,
  'border border-zinc-300 bg-white text-zinc-800 hover:bg-zinc-100',
  'dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100 dark:hover:bg-zinc-800',
  'disabled:hover:bg-white dark:disabled:hover:bg-zinc-900',
);

export const link = 'font-medium text-accent-text underline underline-offset-2 hover:no-underline';

export const badge = 'inline-flex items-center gap-1 rounded px-1.5 py-0.5 text-xs font-medium';

export const mutedText = 'text-zinc-500 dark:text-zinc-400';

export const errorText = 'text-red-700 dark:text-red-400';
