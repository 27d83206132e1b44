import { badge, cx, errorText } from '../../shared/components/ui';
import { Markdown } from './Markdown';
import { checkJsonReply } from './structuredOutput';

/** A reply asked to follow a JSON schema: parsed and shown formatted, or a note that it is not JSON. */
export function JsonReply({ text }: { text: string }) {
  const check = checkJsonReply(text);
  if (!check.valid) {
    return (
      <div>
        <p role="note" className={cx('mb-1 text-xs', errorText)}>
          Not valid JSON ({check.error}). Shown as written:
        </p>
        <Markdown text={text} />
      </div>
    );
  }
  return (
    <figure aria-label="JSON reply">
      <figcaption className={cx(badge, 'mb-1 bg-emerald-600/10 text-emerald-700 dark:text-emerald-400')}>Valid JSON</figcaption>
      <pre className="overflow-x-auto rounded-md bg-zinc-100 px-3 py-2 font-mono text-xs leading-relaxed dark:bg-zinc-900">{check.formatted}</pre>
    </figure>
  );
}
