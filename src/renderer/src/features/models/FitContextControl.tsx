import { useId } from 'react';
import { cx, errorText, mutedText, secondaryButton } from '../../shared/components/ui';
import { CONTEXT_CHOICES, contextChoiceText, useFitsStore } from './fits';

/**
 * Above the models table: the context length the fit badges are for. Changing it asks the server
 * again; badges update when the answer arrives. A failed estimate is said here, with Retry.
 */
export function FitContextControl() {
  const contextSize = useFitsStore((s) => s.contextSize);
  const loading = useFitsStore((s) => s.loading);
  const error = useFitsStore((s) => s.error);
  const setContextSize = useFitsStore((s) => s.setContextSize);
  const refresh = useFitsStore((s) => s.refresh);
  return (
    <ContextLengthControl
      contextSize={contextSize}
      onChange={(tokens) => void setContextSize(tokens)}
      status={loading ? 'Estimating fits…' : 'Fit labels are for this context per reply, capped at each model’s trained length.'}
      error={error ? `Could not estimate how the models fit this machine: ${error.replace(/\.$/, '')}.` : null}
      onRetry={() => void refresh()}
    />
  );
}

/** The context-length select with a status line and, after a failed estimate, the error and Retry (My Models, a Hub repo). */
export function ContextLengthControl(props: {
  contextSize: number;
  onChange: (tokens: number) => void;
  /** One line beside the select: what the labels mean, or that they are being estimated. */
  status: string;
  error: string | null;
  onRetry: () => void;
}) {
  const id = useId();
  return (
    <div className="mt-4">
      <div className="flex flex-wrap items-center gap-3">
        <label htmlFor={id} className="font-medium">
          Context length
        </label>
        <select
          id={id}
          value={props.contextSize}
          onChange={(event) => props.onChange(Number(event.target.value))}
          className="rounded-md border border-zinc-300 bg-white px-2 py-1 font-mono text-xs tabular-nums dark:border-zinc-700 dark:bg-zinc-900"
        >
          {CONTEXT_CHOICES.map((tokens) => (
            <option key={tokens} value={tokens}>
              {contextChoiceText(tokens)}
            </option>
          ))}
        </select>
        <span className={cx('text-xs', mutedText)} aria-live="polite">
          {props.status}
        </span>
      </div>
      {props.error && (
        <p role="alert" className={cx('mt-2 text-xs', errorText)}>
          {props.error}{' '}
          <button type="button" className={cx(secondaryButton, 'px-2 py-0.5 text-xs')} onClick={props.onRetry}>
            Retry
          </button>
        </p>
      )}
    </div>
  );
}
