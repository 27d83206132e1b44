/** Longest automatic title, in characters (the `…` included). */
export const AUTO_TITLE_MAX = 60;

/**
 * A title from the first user message: whitespace collapsed, at most {@link AUTO_TITLE_MAX}
 * characters, cut at a word boundary with `…` when longer (mid-word only when the first word
 * alone is too long). Null when the message has no text.
 */
export function autoTitle(firstMessage: string): string | null {
  const text = firstMessage.replace(/\s+/g, ' ').trim();
  if (!text) return null;
  if (text.length <= AUTO_TITLE_MAX) return text;
  const room = text.slice(0, AUTO_TITLE_MAX - 1);
  const lastSpace = room.lastIndexOf(' ');
  const cut = lastSpace > 0 ? room.slice(0, lastSpace) : room;
  return `${cut.replace(/[\s,.;:!?-]+$/, '')}…`;
}
