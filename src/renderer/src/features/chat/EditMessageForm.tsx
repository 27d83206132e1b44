import { useState, type KeyboardEvent } from 'react';
import { primaryButton, secondaryButton } from '../../shared/components/ui';
import { fieldInput } from './chatUi';

/** Editing a user message: Enter sends it as a new branch, Shift+Enter is a new line, Esc cancels. */
export function EditMessageForm({
  initial,
  onSend,
  onCancel,
  onDone,
}: {
  initial: string;
  onSend: (content: string) => Promise<boolean>;
  onCancel: () => void;
  onDone: () => void;
}) {
  const [text, setText] = useState(initial);
  const canSend = text.trim() !== '' && text !== initial;
  const send = () => {
    if (!canSend) return;
    onDone();
    void onSend(text.trim());
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      onCancel();
    } else if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      send();
    }
  };
  return (
    <div className="flex flex-col gap-2">
      <textarea
        aria-label="Edit message"
        value={text}
        autoFocus
        onChange={(event) => setText(event.target.value)}
        onKeyDown={onKeyDown}
        className={`${fieldInput} field-sizing-content max-h-72 min-h-16 resize-none leading-relaxed`}
      />
      <div className="flex justify-end gap-2">
        <button type="button" className={secondaryButton} onClick={onCancel}>
          Cancel
        </button>
        <button type="button" className={primaryButton} disabled={!canSend} onClick={send}>
          Send edited message
        </button>
      </div>
    </div>
  );
}
