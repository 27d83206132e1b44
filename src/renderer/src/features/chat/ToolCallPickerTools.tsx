import { useEffect } from 'react';
import type { ChatToolSource } from '../../../../shared/chatDto';
import { cx, errorText, mutedText } from '../../shared/components/ui';
import { useMcpStore } from '../mcp/mcp';

/**
 * The single tools of one enabled server, each with a checkbox: a chat may offer only some of a
 * server's tools (fewer tools, a shorter prompt, and no call to a tool the user does not want).
 * `source.tools` absent = every tool; unchecking the last one turns the server off for this chat.
 */
export function ToolCallPickerTools({ source, onChange }: { source: ChatToolSource; onChange: (next: ChatToolSource | null) => void }) {
  const state = useMcpStore((s) => s.tools[source.server]);
  useEffect(() => {
    // Reading the tools starts the server (it would start at the next reply anyway).
    if (!useMcpStore.getState().tools[source.server]) void useMcpStore.getState().loadTools(source.server);
  }, [source.server]);

  if (!state || state.state === 'loading') return <p className={cx('text-xs', mutedText)}>Reading its tools…</p>;
  if (state.state === 'failed') return <p className={cx('text-xs', errorText)}>{state.error}</p>;
  const all = state.tools.map((tool) => tool.name);
  const on = (name: string) => source.tools === undefined || source.tools.includes(name);
  const toggle = (name: string, checked: boolean) => {
    const next = all.filter((tool) => (tool === name ? checked : on(tool)));
    if (next.length === 0) onChange(null);
    else onChange(next.length === all.length ? { server: source.server } : { server: source.server, tools: next });
  };
  return (
    <ul aria-label={`Tools of ${source.server}`} className="max-h-40 space-y-0.5 overflow-y-auto pl-5">
      {state.tools.map((tool) => (
        <li key={tool.name}>
          <label className="flex items-center gap-2 text-xs" title={tool.description}>
            <input type="checkbox" checked={on(tool.name)} onChange={(event) => toggle(tool.name, event.target.checked)} />
            <span className="truncate font-mono">{tool.name}</span>
          </label>
        </li>
      ))}
    </ul>
  );
}
