import type { JsonOutputCheck } from '../../../../shared/dto';
import { badge, cx, errorText } from '../../shared/components/ui';
import { Markdown } from './Markdown';
import { checkJsonReply } from './structuredOutput';

/**
 * A reply asked to be JSON: parsed and shown formatted, or a note that it is not usable JSON.
 * `check` is the engine's verdict (schema included); without one the text is only parsed here.
 */
export function JsonReply({ text, check: engineCheck }: { text: string; check?: JsonOutputCheck | undefined }) {
  const parsed = checkJsonReply(text);
  const error = engineCheck && !engineCheck.valid ? (engineCheck.error ?? 'it does not match the schema') : !parsed.valid ? parsed.error : null;
  if (error !== null || !parsed.valid) {
    return (
      <div>
        <p role="note" className={cx('mb-1 text-xs', errorText)}>
          Not valid JSON ({error}). Shown as written:
        </p>
        <Markdown text={text} />
      </div>
    );
  }
  return (
    <figure aria-label="JSON reply">
      <figcaption className={cx(badge, 'mb-1 bg-emerald-600/10 text-emerald-700 dark:text-emerald-400')}>Valid JSON</figcaption>
      <pre className="overflow-x-auto rounded-md bg-zinc-100 px-3 py-2 font-mono text-xs leading-relaxed dark:bg-zinc-900">{parsed.formatted}</pre>
    </figure>
  );
}
