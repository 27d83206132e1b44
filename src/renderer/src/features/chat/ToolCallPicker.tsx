import { useEffect, useState, type ReactNode } from 'react';
import type { ChatToolSource, ChatToolUse } from '../../../../shared/chatDto';
import { api } from '../../api/api';
import { errorMessage } from '../../api/errors';
import { Popover } from '../../shared/components/Popover';
import { cx, errorText, mutedText } from '../../shared/components/ui';
import { useMcpStore } from '../mcp/mcp';
import { iconButton } from './chatUi';
import { ToolCallPickerTools } from './ToolCallPickerTools';
import { useConversationStore } from './conversation';

const NO_SOURCES: never[] = [];
const USES: Array<{ value: ChatToolUse; label: string; title: string }> = [
  { value: 'auto', label: 'Auto', title: 'The model decides whether to call a tool' },
  { value: 'required', label: 'Required', title: 'The first round of each reply must call one of the enabled tools' },
];

/**
 * Which MCP servers this chat's replies may call (`chats.setTools`). Servers are configured in
 * Settings; a server turned off there stays listed here, unchecked and disabled.
 */
export function ToolCallPicker() {
  const chatId = useConversationStore((s) => s.chatId);
  // No `?? []` inside the selector: a new array each time makes zustand re-render without end.
  const sources = useConversationStore((s) => s.detail?.toolSources) ?? NO_SOURCES;
  const toolUse = useConversationStore((s) => s.detail?.toolUse) ?? 'auto';
  const overview = useMcpStore((s) => s.overview);
  const loadError = useMcpStore((s) => s.loadError);
  const [error, setError] = useState<string | null>(null);
  /** The server whose single tools are shown (reading them starts it, so only on request). */
  const [expanded, setExpanded] = useState<string | null>(null);
  const count = sources.length;

  const save = async (next: ChatToolSource[], use?: ChatToolUse) => {
    if (!chatId) return;
    setError(null);
    try {
      const detail = await api.chats.setTools({ chatId, sources: next, ...(use ? { toolUse: use } : {}) });
      if (useConversationStore.getState().chatId === chatId) useConversationStore.setState({ detail });
    } catch (failure) {
      setError(errorMessage(failure));
    }
  };
  const toggle = (server: string, on: boolean) => save(on ? [...sources, { server }] : sources.filter((source) => source.server !== server));

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
              const source = sources.find((s) => s.server === server.name);
              const checked = source !== undefined;
              const open = expanded === server.name;
              return (
                <li key={server.name}>
                  <div className="flex items-center gap-2">
                    <label className="flex min-w-0 flex-1 items-center gap-2">
                      <input type="checkbox" checked={checked} disabled={!server.enabled && !checked} onChange={(event) => void toggle(server.name, event.target.checked)} />
                      <span className="truncate">{server.name}</span>
                      {!server.enabled && <span className={cx('text-xs', mutedText)}>(off)</span>}
                    </label>
                    {source && server.enabled && (
                      <button
                        type="button"
                        className={cx('text-xs underline', mutedText)}
                        aria-expanded={open}
                        aria-label={`Choose tools of ${server.name}`}
                        onClick={() => setExpanded(open ? null : server.name)}
                      >
                        {source.tools ? `${source.tools.length} tool${source.tools.length === 1 ? '' : 's'}` : 'all tools'}
                      </button>
                    )}
                  </div>
                  {source && open && (
                    <ToolCallPickerTools
                      source={source}
                      onChange={(next) => void save(next ? sources.map((s) => (s.server === server.name ? next : s)) : sources.filter((s) => s.server !== server.name))}
                    />
                  )}
                </li>
              );
            })}
          </ul>
          <fieldset className="mt-2 border-t border-zinc-200 pt-2 dark:border-zinc-800" disabled={count === 0}>
            <legend className="text-xs font-medium">Tool use</legend>
            <div className="flex gap-3">
              {USES.map((use) => (
                <label key={use.value} className="flex items-center gap-1" title={use.title}>
                  <input type="radio" name="tool-use" value={use.value} checked={toolUse === use.value} onChange={() => void save(sources, use.value)} />
                  {use.label}
                </label>
              ))}
            </div>
            <p className={cx('mt-0.5 text-xs', mutedText)}>{toolUse === 'required' ? 'Each reply calls a tool before it answers.' : 'The model decides when to call a tool.'}</p>
          </fieldset>
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
