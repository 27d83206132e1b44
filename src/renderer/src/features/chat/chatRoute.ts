import { useSyncExternalStore } from 'react';

/**
 * The open chat lives in the address: `#/chat/<id>` (so a reload, Back and a bookmark keep it);
 * `#/chat` alone is a new chat, created on its first message.
 */

export function chatHref(chatId: string | null): string {
  return chatId ? `#/chat/${encodeURIComponent(chatId)}` : '#/chat';
}

/** `#/chat/abc` → `abc`; anything else → null. */
export function parseChatId(hash: string): string | null {
  const match = /^#\/?chat\/([^/?]+)/.exec(hash);
  return match ? decodeURIComponent(match[1]!) : null;
}

function subscribe(listener: () => void): () => void {
  window.addEventListener('hashchange', listener);
  return () => window.removeEventListener('hashchange', listener);
}

export function useRouteChatId(): string | null {
  return useSyncExternalStore(subscribe, () => parseChatId(window.location.hash));
}

/** Opens a chat (or a new one) by changing the address; Back returns to the previous chat. */
export function goToChat(chatId: string | null): void {
  const href = chatHref(chatId);
  if (window.location.hash !== href) window.location.hash = href;
}

/** Starts a new chat with the message box focused, ready to type (the button and Ctrl+N). */
export function goToNewChat(): void {
  goToChat(null);
  // After the route change renders: the composer is the same element, but the click moved focus to the button.
  requestAnimationFrame(() => document.querySelector<HTMLTextAreaElement>('textarea[aria-label="Message"]')?.focus());
}
