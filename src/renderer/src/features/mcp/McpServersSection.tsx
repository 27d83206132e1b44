import { useEffect, useState } from 'react';
import { cx, errorText, mutedText, secondaryButton } from '../../shared/components/ui';
import { Section } from '../server/serverUi';
import { useMcpStore } from './mcp';
import { emptyForm } from './mcpForm';
import { McpImportPanel } from './McpImportPanel';
import { McpServerForm } from './McpServerForm';
import { McpServerRow } from './McpServerRow';

/** Settings → MCP servers: the servers of mcp.json with their switches and status, add, import. */
export function McpServersSection() {
  const overview = useMcpStore((s) => s.overview);
  const loadError = useMcpStore((s) => s.loadError);
  const fetch = useMcpStore((s) => s.fetch);
  const [panel, setPanel] = useState<'none' | 'add' | 'import'>('none');

  useEffect(() => {
    void fetch();
  }, [fetch]);

  return (
    <Section
      title="MCP servers"
      actions={
        <div className="flex gap-2">
          <button type="button" className={secondaryButton} onClick={() => setPanel('add')}>
            Add server
          </button>
          <button type="button" className={secondaryButton} onClick={() => setPanel('import')}>
            Import mcp.json
          </button>
        </div>
      }
    >
      <p className={cx('text-xs', mutedText)}>
        Tools a model can use, over the Model Context Protocol. A server starts the first time it is needed and stops with Hearth.
        {overview && (
          <>
            {' '}Kept in <code className="font-mono break-all">{overview.configPath}</code>, in the format LM Studio, Cursor and Claude Desktop use.
          </>
        )}
      </p>
      {loadError && (
        <p role="alert" className={cx('mt-2', errorText)}>
          Could not read the MCP servers: {loadError}
        </p>
      )}
      {overview?.configError && (
        <p role="alert" className={cx('mt-2', errorText)}>
          mcp.json is invalid, so no server is used: {overview.configError}. Fix the file (Hearth leaves it as it is) and come back.
        </p>
      )}
      {panel === 'add' && (
        <div className="mt-3">
          <McpServerForm initial={emptyForm()} previousName={null} onDone={() => setPanel('none')} />
        </div>
      )}
      {panel === 'import' && (
        <div className="mt-3">
          <McpImportPanel onDone={() => setPanel('none')} />
        </div>
      )}
      {overview && overview.servers.length === 0 && !overview.configError && panel === 'none' && (
        <p className={cx('mt-3 text-sm', mutedText)}>No servers yet. Add one, or import the mcp.json of another app.</p>
      )}
      {overview && overview.servers.length > 0 && (
        <ul aria-label="MCP servers" className="mt-2 divide-y divide-zinc-200 dark:divide-zinc-800">
          {overview.servers.map((server) => (
            <McpServerRow key={server.name} server={server} />
          ))}
        </ul>
      )}
    </Section>
  );
}
