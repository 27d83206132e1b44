import { cx, mutedText } from '../../shared/components/ui';
import { input, smallButton } from '../server/serverUi';
import type { SecretRow } from './mcpForm';

/**
 * Environment variables or headers: a name and a hidden value per row. Values already stored are
 * never shown (core does not send them); leaving one empty keeps it.
 */
export function SecretRows({ label, rows, onChange, namePlaceholder }: { label: string; rows: SecretRow[]; onChange: (rows: SecretRow[]) => void; namePlaceholder: string }) {
  const edit = (index: number, patch: Partial<SecretRow>) => onChange(rows.map((row, i) => (i === index ? { ...row, ...patch } : row)));
  return (
    <fieldset className="flex flex-col gap-1.5">
      <legend className="font-medium">{label}</legend>
      {rows.length === 0 && <p className={cx('text-xs', mutedText)}>None.</p>}
      {rows.map((row, index) => (
        <div key={index} className="flex flex-wrap items-center gap-1.5">
          <input
            aria-label={`${label} ${index + 1} name`}
            className={cx(input, 'w-40 font-mono text-xs')}
            placeholder={namePlaceholder}
            value={row.name}
            readOnly={row.stored}
            onChange={(event) => edit(index, { name: event.target.value })}
          />
          <input
            aria-label={`${label} ${index + 1} value`}
            type="password"
            autoComplete="off"
            className={cx(input, 'min-w-0 flex-1 font-mono text-xs')}
            placeholder={row.stored ? 'stored (leave empty to keep)' : 'value'}
            value={row.value}
            onChange={(event) => edit(index, { value: event.target.value })}
          />
          <button type="button" className={smallButton} aria-label={`Remove ${row.name || `${label} ${index + 1}`}`} onClick={() => onChange(rows.filter((_, i) => i !== index))}>
            Remove
          </button>
        </div>
      ))}
      <div>
        <button type="button" className={smallButton} onClick={() => onChange([...rows, { name: '', value: '', stored: false }])}>
          Add {label.toLowerCase().replace(/s$/, '')}
        </button>
      </div>
    </fieldset>
  );
}
