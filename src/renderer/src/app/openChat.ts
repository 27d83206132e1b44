import { goToChat } from '../features/chat/chatRoute';

/** How long to wait for the chat view to render its message box, in ms. */
const FOCUS_WAIT_MS = 3_000;

/**
 * Opens a new chat and puts the cursor in its message box, so the next thing a person does is
 * type. The chat view mounts after the address changes, so the box is looked for on the next
 * frames until it appears (at most {@link FOCUS_WAIT_MS}).
 */
export function openNewChat(): void {
  goToChat(null);
  const until = performance.now() + FOCUS_WAIT_MS;
  const tryFocus = () => {
    const box = document.querySelector<HTMLTextAreaElement>('textarea[aria-label="Message"]');
    if (box && !box.disabled) {
      box.focus();
      return;
    }
    if (performance.now() < until) requestAnimationFrame(tryFocus);
  };
  requestAnimationFrame(tryFocus);
}
