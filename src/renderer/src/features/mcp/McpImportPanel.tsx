import { useId, useState } from 'react';
import { cx, errorText, mutedText, primaryButton, secondaryButton } from '../../shared/components/ui';
import { input } from '../server/serverUi';
import { useMcpStore } from './mcp';

/** "Import mcp.json": paste another app's file (LM Studio, Cursor, Claude Desktop) or pick it. */
export function McpImportPanel({ onDone }: { onDone: () => void }) {
  const importText = useMcpStore((s) => s.importText);
  const [text, setText] = useState('');
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const ids = { text: useId(), file: useId() };

  const run = async () => {
    const outcome = await importText(text);
    if (!outcome.ok) return setMessage({ error: true, text: outcome.error });
    const { added, renamed, unchanged } = outcome.result;
    const parts = [
      added.length ? `Added ${added.join(', ')}.` : '',
      renamed.length ? `Added under new names: ${renamed.map((r) => `${r.from} → ${r.to}`).join(', ')} (the names were taken).` : '',
      unchanged.length ? `Already here: ${unchanged.join(', ')}.` : '',
    ];
    setMessage({ error: false, text: parts.filter(Boolean).join(' ') });
    setText('');
  };

  return (
    <div className="flex flex-col gap-2 rounded-md border border-zinc-200 p-3 dark:border-zinc-800">
      <label htmlFor={ids.text} className="font-medium">
        mcp.json to import
      </label>
      <textarea id={ids.text} rows={6} className={cx(input, 'font-mono text-xs')} placeholder='{"mcpServers": {"name": {"command": "npx", "args": ["…"]}}}' value={text} onChange={(e) => setText(e.target.value)} />
      <div className="flex flex-wrap items-center gap-2">
        <label htmlFor={ids.file} className={cx('text-xs', mutedText)}>
          Or pick the file:
        </label>
        <input
          id={ids.file}
          type="file"
          accept=".json,application/json"
          className="text-xs"
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) void file.text().then(setText);
          }}
        />
      </div>
      <p className={cx('text-xs', mutedText)}>Servers are added to yours; a name that is taken by a different server gets a suffix (name-2).</p>
      {message && (
        <p role={message.error ? 'alert' : 'status'} className={message.error ? errorText : 'text-sm'}>
          {message.text}
        </p>
      )}
      <div className="flex gap-2">
        <button type="button" className={primaryButton} disabled={!text.trim()} onClick={() => void run()}>
          Import
        </button>
        <button type="button" className={secondaryButton} onClick={onDone}>
          Close
        </button>
      </div>
    </div>
  );
}
