import { useEffect, useState } from 'react';
import type { ToolApprovals } from '../../../../shared/chatDto';
import { api } from '../../api/api';
import { errorMessage } from '../../api/errors';
import { cx, errorText, mutedText, secondaryButton } from '../../shared/components/ui';
import { Section } from '../server/serverUi';

/**
 * Settings → Tool approvals: the MCP tools and servers chats call without asking ("Always allow"
 * on a call's card), each with Revoke (its calls ask again). Read when shown: decisions are made
 * in chats, so a list kept in a store would be stale anyway.
 */
export function ToolApprovalsSection() {
  const [approvals, setApprovals] = useState<ToolApprovals | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    api.chats.listToolApprovals({}).then(
      (list) => live && setApprovals(list),
      (failure: unknown) => live && setError(errorMessage(failure)),
    );
    return () => {
      live = false;
    };
  }, []);

  const revoke = async (server: string, tool?: string) => {
    const key = JSON.stringify([server, tool]);
    setBusy(key);
    setError(null);
    try {
      setApprovals(await api.chats.revokeToolApproval({ server, ...(tool ? { tool } : {}) }));
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(null);
    }
  };

  const rows = approvals ? [...approvals.servers.map((server) => ({ server, tool: undefined as string | undefined })), ...approvals.tools] : [];
  return (
    <Section title="Tool approvals">
      <p className={cx('text-xs', mutedText)}>Tools and MCP servers that chats call without asking first. Revoke one and its calls ask again.</p>
      {error && (
        <p role="alert" className={cx('mt-2', errorText)}>
          {error}
        </p>
      )}
      {approvals === null && !error && <p className={cx('mt-2 text-sm', mutedText)}>Loading…</p>}
      {approvals !== null && rows.length === 0 && <p className={cx('mt-2 text-sm', mutedText)}>Nothing is always allowed: every tool call asks first.</p>}
      {rows.length > 0 && (
        <ul aria-label="Always allowed" className="mt-2 flex flex-col gap-1">
          {rows.map(({ server, tool }) => {
            const label = tool ? `${tool} on ${server}` : `every tool of ${server}`;
            const key = JSON.stringify([server, tool]);
            return (
              <li key={key} aria-label={label} className="flex items-center justify-between gap-2 rounded-md bg-zinc-50 px-2 py-1 text-sm dark:bg-zinc-900">
                <span className="min-w-0 truncate">
                  {tool ? (
                    <>
                      Tool <code className="font-mono">{tool}</code> on <code className="font-mono">{server}</code>
                    </>
                  ) : (
                    <>
                      Every tool of server <code className="font-mono">{server}</code>
                    </>
                  )}
                </span>
                <button type="button" className={cx(secondaryButton, 'shrink-0')} aria-label={`Revoke ${label}`} disabled={busy === key} onClick={() => void revoke(server, tool)}>
                  Revoke
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </Section>
  );
}
