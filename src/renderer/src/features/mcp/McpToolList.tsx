import { cx, errorText, mutedText } from '../../shared/components/ui';
import type { ToolsState } from './mcp';

/** A server's tools: name, description, and the JSON schema of the arguments folded away. */
export function McpToolList({ state }: { state: ToolsState | undefined }) {
  if (!state || state.state === 'loading') return <p className={cx('text-xs', mutedText)}>Starting the server and reading its tools…</p>;
  if (state.state === 'failed') return <p className={cx('text-xs', errorText)}>{state.error}</p>;
  if (state.tools.length === 0) return <p className={cx('text-xs', mutedText)}>This server offers no tools.</p>;
  return (
    <ul aria-label="Tools" className="flex max-h-80 flex-col gap-1 overflow-y-auto rounded-md bg-zinc-50 p-2 dark:bg-zinc-900">
      {state.tools.map((tool) => (
        <li key={tool.name} className="text-sm">
          <details>
            <summary className="cursor-pointer">
              <span className="font-mono font-medium">{tool.name}</span>
              {tool.description && <span className={cx('ml-2 text-xs', mutedText)}>{firstLine(tool.description)}</span>}
            </summary>
            {tool.description && <p className="mt-1 text-xs whitespace-pre-wrap">{tool.description}</p>}
            <pre className="mt-1 overflow-x-auto rounded bg-white p-2 font-mono text-xs dark:bg-zinc-950">{JSON.stringify(tool.inputSchema, null, 2)}</pre>
          </details>
        </li>
      ))}
    </ul>
  );
}

function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > 140 ? `${line.slice(0, 139)}…` : line;
}
