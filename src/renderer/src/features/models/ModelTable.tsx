import { useMemo } from 'react';
import type { ModelInfo } from '../../../../shared/dto';
import { distinctModelLabels } from './models';
import { ModelRow } from './ModelRow';
import { mutedText } from '../../shared/components/ui';
import { WIDE_ONLY } from './modelColumns';


const COLUMNS: { label: string; numeric?: boolean; className?: string }[] = [
  { label: 'Model' },
  { label: 'Architecture', className: WIDE_ONLY },
  { label: 'Params', numeric: true, className: WIDE_ONLY },
  { label: 'Quant', className: WIDE_ONLY },
  { label: 'Size', numeric: true },
  { label: 'Context', numeric: true, className: WIDE_ONLY },
  { label: 'Fit' },
  { label: 'Status' },
];

/** The local models, one row each. */
export function ModelTable({ models }: { models: ModelInfo[] }) {
  const labels = useMemo(() => distinctModelLabels(models), [models]);
  return (
    <table aria-label="Local models" className="mt-4 w-full border-collapse text-sm">
      <thead>
        <tr className={`border-b border-zinc-200 text-left text-xs uppercase tracking-wide dark:border-zinc-800 ${mutedText}`}>
          {COLUMNS.map((column) => (
            <th key={column.label} scope="col" className={`px-2 py-2 font-medium lg:px-3 ${column.numeric ? 'text-right' : ''} ${column.className ?? ''}`}>
              {column.label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {models.map((model) => (
          <ModelRow key={model.id} model={model} label={labels.get(model.id) ?? model.id} columns={COLUMNS.length} />
        ))}
      </tbody>
    </table>
  );
}
