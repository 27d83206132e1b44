import { useEffect, useState, type ReactNode } from 'react';
import type { ChatToolSource } from '../../../../shared/chatDto';
import { api } from '../../api/api';
import { errorMessage } from '../../api/errors';
import { Popover } from '../../shared/components/Popover';
import { cx, errorText, mutedText } from '../../shared/components/ui';
import { useMcpStore } from '../mcp/mcp';
import { iconButton } from './chatUi';
import { useConversationStore } from './conversation';

const NO_SOURCES: never[] = [];

/**
 * Which MCP servers this chat's replies may call (`chats.setTools`). Servers are configured in
 * Settings; a server turned off there stays listed here, unchecked and disabled.
 */
export function ToolCallPicker() {
  const chatId = useConversationStore((s) => s.chatId);
  // No `?? []` inside the selector: a new array each time makes zustand re-render without end.
  const sources = useConversationStore((s) => s.detail?.toolSources) ?? NO_SOURCES;
  const overview = useMcpStore((s) => s.overview);
  const loadError = useMcpStore((s) => s.loadError);
  const [error, setError] = useState<string | null>(null);
  const count = sources.length;

  const toggle = async (server: string, on: boolean) => {
    if (!chatId) return;
    const next: ChatToolSource[] = on ? [...sources, { server }] : sources.filter((source) => source.server !== server);
    setError(null);
    try {
      const detail = await api.chats.setTools({ chatId, sources: next });
      if (useConversationStore.getState().chatId === chatId) useConversationStore.setState({ detail });
    } catch (failure) {
      setError(errorMessage(failure));
    }
  };

  return (
    <Popover
      panelLabel="Tools for this chat"
      align="right"
      disabled={!chatId}
      buttonLabel={count ? `Tools (${count} server${count === 1 ? '' : 's'})` : 'Tools'}
      buttonClassName={cx(iconButton, count > 0 && 'bg-accent-soft text-accent-text')}
      button={<span className="text-xs font-medium">Tools{count ? ` ${count}` : ''}</span>}
    >
      {() => (
        <Panel>
          <p className={cx('mb-1 text-xs', mutedText)}>MCP servers this chat may call. Each call asks first unless you always allow it.</p>
          {overview === null && !loadError && <p className={mutedText}>Loading…</p>}
          {loadError && <p className={errorText}>{loadError}</p>}
          {overview?.servers.length === 0 && <p className={mutedText}>No MCP servers yet: add one in Settings.</p>}
          <ul className="space-y-1">
            {overview?.servers.map((server) => {
              const checked = sources.some((source) => source.server === server.name);
              return (
                <li key={server.name}>
                  <label className="flex items-center gap-2">
                    <input type="checkbox" checked={checked} disabled={!server.enabled && !checked} onChange={(event) => void toggle(server.name, event.target.checked)} />
                    <span className="truncate">{server.name}</span>
                    {!server.enabled && <span className={cx('text-xs', mutedText)}>(off)</span>}
                  </label>
                </li>
              );
            })}
          </ul>
          {error && (
            <p role="alert" className={cx('mt-1', errorText)}>
              {error}
            </p>
          )}
        </Panel>
      )}
    </Popover>
  );
}

/** The open panel: reads the servers when opened (Settings may not have listed them yet). */
function Panel({ children }: { children: ReactNode }) {
  useEffect(() => {
    if (useMcpStore.getState().overview === null) void useMcpStore.getState().fetch();
  }, []);
  return <div className="w-64 max-w-[80vw] p-2 text-sm">{children}</div>;
}
