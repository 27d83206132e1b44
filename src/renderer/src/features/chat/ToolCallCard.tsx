import { useState } from 'react';
import type { ToolCallPending } from '../../../../shared/chatDto';
import { api } from '../../api/api';
import { errorMessage } from '../../api/errors';
import { cx, errorText, mutedText, primaryButton, secondaryButton } from '../../shared/components/ui';
import { useConversationStore } from './conversation';

type Decision = 'once' | 'alwaysTool' | 'alwaysServer' | 'deny';

/**
 * A tool call the model made, waiting for the user: which tool of which MCP server, with what
 * arguments, and the four answers. The reply waits (Stop still ends it) until one is chosen.
 */
export function ToolCallCard({ pending }: { pending: ToolCallPending }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const decide = async (decision: Decision) => {
    setBusy(true);
    setError(null);
    try {
      await api.chats.decideToolCall({ chatId: pending.chatId, messageId: pending.messageId, callId: pending.callId, decision });
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
      void useConversationStore.getState().refresh(pending.chatId);
    }
  };
  return (
    <section
      role="group"
      aria-label={`Tool call: ${pending.tool} on ${pending.server}`}
      className="my-2 rounded-lg border border-amber-300 bg-amber-50 p-3 text-sm dark:border-amber-700/60 dark:bg-amber-950/30"
    >
      <p className="font-medium">
        The model wants to call <code className="font-mono">{pending.tool}</code> on MCP server <code className="font-mono">{pending.server}</code>
      </p>
      <p className={cx('mt-0.5 text-xs', mutedText)}>It runs with your rights. Check the arguments before allowing it.</p>
      <pre aria-label="Arguments" className="mt-2 max-h-48 overflow-auto rounded bg-white p-2 font-mono text-xs break-words whitespace-pre-wrap dark:bg-zinc-900">
        {pending.arguments}
      </pre>
      <div className="mt-2 flex flex-wrap gap-2">
        <button type="button" className={primaryButton} disabled={busy} onClick={() => void decide('once')}>
          Allow once
        </button>
        <button type="button" className={secondaryButton} disabled={busy} onClick={() => void decide('alwaysTool')}>
          Always allow this tool
        </button>
        <button type="button" className={secondaryButton} disabled={busy} onClick={() => void decide('alwaysServer')}>
          Always allow this server
        </button>
        <button type="button" className={secondaryButton} disabled={busy} onClick={() => void decide('deny')}>
          Deny
        </button>
      </div>
      {error && (
        <p role="alert" className={cx('mt-2', errorText)}>
          {error}
        </p>
      )}
    </section>
  );
}
