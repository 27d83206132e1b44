import { errorText, primaryButton, secondaryButton } from './ui';

/** The end of a settings form: its error (announced), then Submit (busy while saving) and Cancel. */
export function FormActions({ error, busy, submitLabel, busyLabel, onCancel }: { error: string | null | undefined; busy: boolean; submitLabel: string; busyLabel: string; onCancel: () => void }) {
  return (
    <>
      {error && (
        <p role="alert" className={errorText}>
          {error}
        </p>
      )}
      <div className="flex gap-2">
        <button type="submit" className={primaryButton} disabled={busy}>
          {busy ? busyLabel : submitLabel}
        </button>
        <button type="button" className={secondaryButton} onClick={onCancel}>
          Cancel
        </button>
      </div>
    </>
  );
}
