import { useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { SendIcon, StopIcon } from '../../shared/components/icons';
import { cx, errorText, primaryButton, secondaryButton } from '../../shared/components/ui';
import { useChatModel } from './chatModel';
import { useRemoteModel } from '../providers/providers';
import { selectGenerating, useConversationStore } from './conversation';
import { blockingError } from './params/paramsDraft';
import { useParamsStore } from './params/paramsStore';

/** Message input: Enter sends, Shift+Enter is a new line; Stop (or Esc) replaces Send while a reply is written. */
export function Composer() {
  const [text, setText] = useState('');
  const textarea = useRef<HTMLTextAreaElement>(null);
  // This chat's model (a chat without one takes the primary): core refuses a reply while it is not resident.
  const model = useChatModel();
  // A provider's model is held by its server: nothing to load here.
  const remote = useRemoteModel(model.modelId);
  const modelLoaded = model.resident !== null || remote.remote;
  const generating = useConversationStore(selectGenerating);
  const actionError = useConversationStore((s) => s.actionError);
  const send = useConversationStore((s) => s.send);
  const stop = useConversationStore((s) => s.stop);

  // A wrong parameter would otherwise be replaced by its default without a word: Send waits for the fix.
  const paramsError = useParamsStore((s) => blockingError(s.validated));
  const canSend = modelLoaded && !generating && text.trim() !== '' && paramsError === null;

  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    if (!canSend) return;
    const content = text.trim();
    setText('');
    // The Send button is about to become Stop; keep focus where the next message is typed.
    textarea.current?.focus();
    void send(content).then((taken) => {
      // Refused before it started (busy, no model): give the text back unless something new was typed.
      if (!taken) setText((current) => (current === '' ? content : current));
    });
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key !== 'Enter' || event.shiftKey || event.nativeEvent.isComposing) return;
    event.preventDefault();
    submit();
  };

  return (
    <form onSubmit={submit} className="border-t border-zinc-200 px-4 py-3 dark:border-zinc-800">
      <div className="mx-auto flex max-w-3xl items-end gap-2">
        <textarea
          ref={textarea}
          aria-label="Message"
          value={text}
          onChange={(event) => setText(event.target.value)}
          onKeyDown={onKeyDown}
          rows={1}
          placeholder={
            modelLoaded
              ? 'Message… (Enter to send, Shift+Enter for a new line)'
              : model.modelId
                ? `Load ${model.name ?? 'this chat’s model'} to continue this chat, or pick a loaded model`
                : 'Load a model to chat'
          }
          className={cx(
            'field-sizing-content max-h-48 min-h-9 min-w-0 flex-1 resize-none rounded-md border border-zinc-300 bg-white px-3 py-1.5 leading-relaxed',
            'placeholder:text-zinc-400 dark:border-zinc-700 dark:bg-zinc-900 dark:placeholder:text-zinc-500',
          )}
        />
        {generating ? (
          <button type="button" className={secondaryButton} onClick={() => void stop()} title="Stop (Esc)">
            <StopIcon /> Stop
          </button>
        ) : (
          <button type="submit" className={primaryButton} disabled={!canSend} title="Send (Enter)" aria-describedby={paramsError ? 'composer-params-error' : undefined}>
            <SendIcon /> Send
          </button>
        )}
      </div>
      {paramsError && !generating && (
        <p id="composer-params-error" role="status" className={cx('mx-auto mt-1 max-w-3xl text-xs', errorText)}>
          {paramsError}
        </p>
      )}
      {actionError && (
        <p role="alert" className={cx('mx-auto mt-1 max-w-3xl text-xs', errorText)}>
          {actionError}
        </p>
      )}
    </form>
  );
}
