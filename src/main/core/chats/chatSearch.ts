import type { ChatSearchHit, Conversation } from '../../../shared/chatDto';

/** Characters of context kept on each side of a match in a snippet. */
const SNIPPET_CONTEXT = 40;
/** Hits returned when the caller does not say. */
export const DEFAULT_SEARCH_LIMIT = 50;

/**
 * Case-insensitive search over titles and the text of every message (all branches: an older
 * version of a reply is still the user's text). One hit per conversation, at the title when it
 * matches, else at the first message that does; most recently updated first.
 */
export function searchConversations(conversations: Iterable<Conversation>, query: string, limit = DEFAULT_SEARCH_LIMIT): ChatSearchHit[] {
  const needle = query.replace(/\s+/g, ' ').trim().toLowerCase();
  if (!needle) return [];
  const hits: ChatSearchHit[] = [];
  for (const conversation of conversations) {
    const base = { chatId: conversation.id, title: conversation.title, updatedAt: conversation.updatedAt };
    const inTitle = snippetAround(conversation.title, needle);
    if (inTitle) {
      hits.push({ ...base, field: 'title', ...inTitle });
      continue;
    }
    for (const message of conversation.messages) {
      const inMessage = snippetAround(message.content, needle);
      if (inMessage) {
        hits.push({ ...base, field: 'message', messageId: message.id, ...inMessage });
        break;
      }
    }
  }
  hits.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  return hits.slice(0, limit);
}

/**
 * The text around the first match of `needle` (already lower case), whitespace collapsed, `…`
 * where cut, with where the match sits in it. Null without a match.
 */
export function snippetAround(text: string, needle: string): { snippet: string; matchStart: number; matchLength: number } | null {
  const flat = text.replace(/\s+/g, ' ');
  const lower = flat.toLowerCase();
  const at = lower.indexOf(needle);
  if (at < 0) return null;
  // Lower-casing a few characters (e.g. Turkish İ) changes the length, so positions in `lower`
  // would not hold in `flat`: show the start of the text without a highlight then.
  if (lower.length !== flat.length) return { snippet: clipEnd(flat, SNIPPET_CONTEXT * 2), matchStart: 0, matchLength: 0 };
  const start = Math.max(0, at - SNIPPET_CONTEXT);
  const end = Math.min(flat.length, at + needle.length + SNIPPET_CONTEXT);
  const prefix = start > 0 ? '…' : '';
  const snippet = `${prefix}${flat.slice(start, end)}${end < flat.length ? '…' : ''}`;
  return { snippet, matchStart: prefix.length + at - start, matchLength: needle.length };
}

function clipEnd(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}
