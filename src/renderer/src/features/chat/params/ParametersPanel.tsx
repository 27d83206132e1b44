import { useId } from 'react';
import { CloseIcon } from '../../../shared/components/icons';
import { cx, errorText, mutedText, secondaryButton } from '../../../shared/components/ui';
import { fieldInput, iconButton, panelHeading } from '../chatUi';
import { LoadSettings } from './LoadSettings';
import { PARAM_FIELDS, type ParamField } from './paramFields';
import { EMPTY_DRAFT } from './paramsDraft';
import { useParamsStore } from './paramsStore';
import { PresetBar } from './PresetBar';

/**
 * Right-hand panel: presets, system prompt, sampling, structured output and load settings.
 * Sampling and the system prompt are saved with the conversation; wrong values say why beside
 * the field and are not saved until fixed.
 */
export function ParametersPanel({ id, className, onClose }: { id: string; className?: string; onClose: () => void }) {
  const draft = useParamsStore((s) => s.draft);
  const errors = useParamsStore((s) => s.validated.errors);
  const saveError = useParamsStore((s) => s.saveError);
  const update = useParamsStore((s) => s.update);
  const forThisChat = useParamsStore((s) => s.chatId !== null);

  return (
    <aside
      id={id}
      aria-label="Parameters"
      className={cx('flex w-80 shrink-0 flex-col border-l border-zinc-200 bg-zinc-50 dark:border-zinc-800 dark:bg-zinc-900', className)}
    >
      <div className="flex items-center justify-between border-b border-zinc-200 px-3 py-2 dark:border-zinc-800">
        <div className="min-w-0">
          <h2 className="font-semibold">Parameters</h2>
          {/* Which conversation these apply to: never a hidden global default. */}
          <p className={cx('text-xs', mutedText)} data-testid="params-scope">
            {forThisChat ? 'For this chat only' : 'For the new chat (saved with its first message)'}
          </p>
        </div>
        <button type="button" className={iconButton} aria-label="Close parameters" onClick={onClose}>
          <CloseIcon />
        </button>
      </div>
      <div className="flex min-h-0 flex-1 flex-col gap-4 overflow-y-auto p-3">
        <PresetBar />
        <TextField label="System prompt" rows={4} value={draft.systemPrompt} onChange={(systemPrompt) => update({ systemPrompt })} placeholder="e.g. You are a concise assistant." />
        <section aria-labelledby="sampling-heading" className="flex flex-col gap-2">
          <h3 id="sampling-heading" className={panelHeading}>
            Sampling
          </h3>
          <div className="grid grid-cols-2 gap-x-3 gap-y-2">
            {PARAM_FIELDS.map((field) => (
              <NumberField key={field.key} field={field} value={draft.values[field.key] ?? ''} error={errors[field.key]} onChange={(text) => update({ values: { ...draft.values, [field.key]: text } })} />
            ))}
          </div>
          <TextField
            label="Stop strings"
            hint="One per line; the reply ends before any of them."
            rows={2}
            value={draft.stop}
            error={errors.stop}
            onChange={(stop) => update({ stop })}
          />
        </section>
        <section aria-labelledby="structured-heading" className="flex flex-col gap-2">
          <h3 id="structured-heading" className={panelHeading}>
            Structured output
          </h3>
          <TextField
            label="JSON schema"
            hint="When set, replies are checked as JSON and shown formatted."
            rows={5}
            mono
            value={draft.jsonSchema}
            error={errors.jsonSchema}
            onChange={(jsonSchema) => update({ jsonSchema })}
            placeholder='{"type": "object", "properties": {…}}'
          />
        </section>
        <button type="button" className={secondaryButton} onClick={() => update(EMPTY_DRAFT)}>
          Reset to defaults
        </button>
        {saveError && (
          <p role="alert" className={cx('text-xs', errorText)}>
            {saveError}
          </p>
        )}
        <LoadSettings />
      </div>
    </aside>
  );
}

function NumberField({ field, value, error, onChange }: { field: ParamField; value: string; error?: string; onChange: (text: string) => void }) {
  const id = useId();
  return (
    <div className={cx('flex min-w-0 flex-col gap-0.5', error && 'col-span-2')}>
      <label htmlFor={id} className="text-xs font-medium" title={field.help}>
        {field.label}
      </label>
      <input
        id={id}
        type="text"
        inputMode={field.integer ? 'numeric' : 'decimal'}
        value={value}
        placeholder={field.placeholder}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        title={field.help}
        onChange={(event) => onChange(event.target.value)}
        className={cx(fieldInput, 'font-mono tabular-nums')}
      />
      {error && <FieldError id={`${id}-error`} message={error} />}
    </div>
  );
}

function TextField(props: {
  label: DraftLabel;
  value: string;
  onChange: (text: string) => void;
  rows: number;
  hint?: string;
  error?: string;
  mono?: boolean;
  placeholder?: string;
}) {
  const id = useId();
  const described = [props.hint ? `${id}-hint` : null, props.error ? `${id}-error` : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className="flex flex-col gap-0.5">
      <label htmlFor={id} className="text-xs font-medium">
        {props.label}
      </label>
      <textarea
        id={id}
        rows={props.rows}
        value={props.value}
        placeholder={props.placeholder}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={described}
        spellCheck={!props.mono}
        onChange={(event) => props.onChange(event.target.value)}
        className={cx(fieldInput, 'resize-y leading-snug', props.mono && 'font-mono text-xs')}
      />
      {props.hint && (
        <p id={`${id}-hint`} className={cx('text-xs', mutedText)}>
          {props.hint}
        </p>
      )}
      {props.error && <FieldError id={`${id}-error`} message={props.error} />}
    </div>
  );
}

type DraftLabel = 'System prompt' | 'Stop strings' | 'JSON schema';

function FieldError({ id, message }: { id: string; message: string }) {
  return (
    <p id={id} role="alert" className={cx('text-xs', errorText)}>
      {message}
    </p>
  );
}
