import { useState } from 'react';
import type { McpServerInfo } from '../../../../shared/mcpDto';
import { badge, cx, errorText, mutedText } from '../../shared/components/ui';
import { smallButton, Switch } from '../server/serverUi';
import { useMcpStore } from './mcp';
import { formFromServer } from './mcpForm';
import { McpServerForm } from './McpServerForm';
import { McpToolList } from './McpToolList';

/** One server: on/off, status, what it runs, and Tools / Edit / Remove. */
export function McpServerRow({ server }: { server: McpServerInfo }) {
  const pending = useMcpStore((s) => s.pending[server.name] ?? false);
  const rowError = useMcpStore((s) => s.rowErrors[server.name]);
  const tools = useMcpStore((s) => s.tools[server.name]);
  const setEnabled = useMcpStore((s) => s.setEnabled);
  const remove = useMcpStore((s) => s.remove);
  const loadTools = useMcpStore((s) => s.loadTools);
  const [mode, setMode] = useState<'view' | 'edit' | 'confirmRemove'>('view');
  const [showTools, setShowTools] = useState(false);

  if (mode === 'edit') return <McpServerForm initial={formFromServer(server)} previousName={server.name} onDone={() => setMode('view')} />;

  const toggleTools = () => {
    setShowTools(!showTools);
    if (!showTools && tools?.state !== 'loaded') void loadTools(server.name);
  };

  return (
    <li aria-label={server.name} className="flex flex-col gap-2 py-3">
      <div className="flex flex-wrap items-center gap-3">
        <Switch label={`Use ${server.name}`} checked={server.enabled} busy={pending} onChange={(on) => void setEnabled(server.name, on)} />
        <div className="min-w-0 flex-1">
          <div className="flex flex-wrap items-center gap-2">
            <span className="font-medium break-all">{server.name}</span>
            <StatusBadge server={server} />
          </div>
          <p className={cx('font-mono text-xs break-all', mutedText)}>{summary(server)}</p>
        </div>
        <div className="flex gap-1.5">
          <button type="button" className={smallButton} aria-expanded={showTools} disabled={!server.enabled} onClick={toggleTools}>
            Tools
          </button>
          <button type="button" className={smallButton} aria-label={`Edit ${server.name}`} onClick={() => setMode('edit')}>
            Edit
          </button>
          <button type="button" className={smallButton} aria-label={`Remove ${server.name}`} onClick={() => setMode('confirmRemove')}>
            Remove
          </button>
        </div>
      </div>
      {server.status.state === 'error' && <p className={cx('text-xs', errorText)}>{server.status.reason}</p>}
      {rowError && (
        <p role="alert" className={cx('text-xs', errorText)}>
          {rowError}
        </p>
      )}
      {mode === 'confirmRemove' && (
        <div role="group" aria-label={`Remove ${server.name}?`} className="flex flex-wrap items-center gap-2 text-sm">
          <span>Remove {server.name} from mcp.json?</span>
          <button type="button" className={smallButton} onClick={() => void remove(server.name).then(() => setMode('view'))}>
            Yes, remove
          </button>
          <button type="button" className={smallButton} onClick={() => setMode('view')}>
            Keep it
          </button>
        </div>
      )}
      {showTools && server.enabled && <McpToolList state={tools} />}
    </li>
  );
}

function StatusBadge({ server }: { server: McpServerInfo }) {
  const { status } = server;
  let text = server.enabled ? 'Starts when needed' : 'Off';
  let tone = 'bg-zinc-100 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300';
  if (status.state === 'connecting') text = 'Connecting…';
  if (status.state === 'ready') {
    text = `Ready · ${status.toolCount} ${status.toolCount === 1 ? 'tool' : 'tools'}`;
    tone = 'bg-green-100 text-green-800 dark:bg-green-950 dark:text-green-300';
  }
  if (status.state === 'error') {
    text = 'Error';
    tone = 'bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-300';
  }
  return (
    <span role="status" aria-label={`${server.name} status`} className={cx(badge, tone)}>
      {text}
    </span>
  );
}

function summary(server: McpServerInfo): string {
  if (server.transport === 'stdio') return [server.command, ...(server.args ?? [])].join(' ');
  return `${server.url ?? ''}${server.transport === 'sse' ? ' (SSE)' : ''}`;
}
