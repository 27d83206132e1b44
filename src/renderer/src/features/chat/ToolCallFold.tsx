import type { ChatToolCall, ToolRound } from '../../../../shared/chatDto';
import { cx, errorText, mutedText } from '../../shared/components/ui';
import { Markdown } from './Markdown';

/** The tool rounds of a reply, before its final text: each round's text, then each call folded (arguments and result inside). */
export function ToolCallFold({ rounds }: { rounds: ToolRound[] }) {
  return (
    <div className="mb-2 space-y-1">
      {rounds.map((round, index) => (
        <div key={index} className="space-y-1">
          {round.content && <Markdown text={round.content} />}
          {round.calls.map((call) => (
            <ToolCallItem key={call.id} call={call} />
          ))}
        </div>
      ))}
    </div>
  );
}

function ToolCallItem({ call }: { call: ChatToolCall }) {
  const state = call.result ? (call.decision === 'deny' ? 'denied' : call.result.isError ? 'error' : 'done') : call.decision ? 'running…' : 'waiting for you';
  const name = call.server ? `${call.tool} · ${call.server}` : call.name;
  return (
    <details aria-label={`Tool call ${name}`} className="rounded border border-zinc-200 text-sm dark:border-zinc-800">
      <summary className="cursor-pointer px-2 py-1 select-none">
        <span className="font-medium">Tool call</span> <code className="font-mono">{name}</code>{' '}
        <span className={cx('text-xs', state === 'error' || state === 'denied' ? errorText : mutedText)}>({state})</span>
      </summary>
      <div className="space-y-1 px-2 pb-2">
        <p className={cx('text-xs', mutedText)}>Arguments</p>
        <pre className="max-h-40 overflow-auto rounded bg-zinc-50 p-2 font-mono text-xs break-words whitespace-pre-wrap dark:bg-zinc-900">{pretty(call.arguments)}</pre>
        {call.result && (
          <>
            <p className={cx('text-xs', call.result.isError ? errorText : mutedText)}>
              {call.result.isError ? 'Error' : 'Result'}
              {call.result.truncated ? ' (truncated)' : ''}
            </p>
            <pre className="max-h-60 overflow-auto rounded bg-zinc-50 p-2 font-mono text-xs break-words whitespace-pre-wrap dark:bg-zinc-900">{call.result.content}</pre>
          </>
        )}
      </div>
    </details>
  );
}

function pretty(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
