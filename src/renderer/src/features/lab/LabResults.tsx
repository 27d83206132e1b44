import type { LabRun } from '../../../../shared/labDto';
import { api } from '../../api/api';
import { errorMessage } from '../../api/errors';
import { cx, mutedText, secondaryButton } from '../../shared/components/ui';
import { saveTextFile, useLabStore } from './lab';
import { LabChart } from './LabChart';
import { fmt } from './labFormat';

const th = 'px-2 py-1 text-left font-medium whitespace-nowrap';
const td = 'px-2 py-1 whitespace-nowrap font-mono tabular-nums';

/** The chosen run: a table, the size/speed/quality chart, and its exports. */
export function LabResults() {
  const runs = useLabStore((s) => s.runs);
  const selectedRunId = useLabStore((s) => s.selectedRunId);
  const select = useLabStore((s) => s.select);
  const run = runs.find((r) => r.id === selectedRunId) ?? runs[0];
  if (!run) return <p className={cx('text-sm', mutedText)}>No results yet on this machine.</p>;

  const exportAs = async (format: 'csv' | 'json' | 'markdown') => {
    try {
      const file = await api.lab.export({ runId: run.id, format });
      saveTextFile(file.fileName, file.mimeType, file.text);
    } catch (error) {
      useLabStore.setState({ error: errorMessage(error) });
    }
  };

  return (
    <section aria-label="Lab results" className="rounded-lg border border-zinc-200 p-4 dark:border-zinc-800">
      <div className="flex flex-wrap items-center gap-3">
        <h2 className="font-semibold">Results</h2>
        <label className="flex items-center gap-2 text-sm">
          Run
          <select
            className="rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm dark:border-zinc-700 dark:bg-zinc-900"
            value={run.id}
            onChange={(e) => select(e.target.value)}
          >
            {runs.map((r) => (
              <option key={r.id} value={r.id}>
                {runLabel(r)}
              </option>
            ))}
          </select>
        </label>
        <span className="ml-auto flex gap-2">
          <button type="button" className={secondaryButton} onClick={() => void exportAs('csv')}>
            Export CSV
          </button>
          <button type="button" className={secondaryButton} onClick={() => void exportAs('json')}>
            Export JSON
          </button>
          <button type="button" className={secondaryButton} onClick={() => void exportAs('markdown')}>
            Export Markdown
          </button>
        </span>
      </div>
      <p className={cx('mt-1 text-xs', mutedText)}>
        {run.machine.cpu}, {run.threads} thread{run.threads === 1 ? '' : 's'} · {run.text.name} ({run.text.tokens} tokens) · {run.chunks} chunks of{' '}
        {run.contextSize} · {run.scoredTokens} tokens scored per file
        {run.status !== 'done' && ` · run ${run.status}${run.error ? `: ${run.error}` : ''}`}
      </p>
      <div className="mt-3 overflow-x-auto">
        <table className="text-sm">
          <caption className="sr-only">Lab results</caption>
          <thead className="border-b border-zinc-200 dark:border-zinc-800">
            <tr>
              {['File', 'Quant', 'Size', 'Bits/weight', 'Load', 'RAM', 'pp', 'tg', 'PPL', 'PPL ratio', 'Mean KLD', 'Same top', 'RMS Δp'].map((h) => (
                <th key={h} scope="col" className={th}>
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {run.files.map((f) => (
              <tr key={f.modelId} className="border-b border-zinc-100 dark:border-zinc-900">
                <th scope="row" className={cx(th, 'font-mono font-normal')}>
                  {f.fileName}
                  {f.isBase && <span className={cx('ml-1 text-xs', mutedText)}>(base)</span>}
                </th>
                <td className={td}>{f.quantization}</td>
                <td className={td}>{fmt.mib(f.size)}</td>
                <td className={td}>{fmt.bpw(f.bitsPerWeight)}</td>
                <td className={td}>{fmt.ms(f.loadMs)}</td>
                <td className={td}>{fmt.mib(f.ramBytes)}</td>
                <td className={td}>{fmt.speed(f.ppTokensPerSecond)}</td>
                <td className={td}>{fmt.speed(f.tgTokensPerSecond)}</td>
                <td className={td}>{fmt.ppl(f)}</td>
                <td className={td}>{fmt.ratio(f)}</td>
                <td className={td}>{fmt.kld(f)}</td>
                <td className={td}>{fmt.sameTop(f)}</td>
                <td className={td}>{fmt.rms(f)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <LabChart files={run.files} />
    </section>
  );
}

function runLabel(run: LabRun): string {
  const when = new Date(run.startedAt).toLocaleString();
  return `${when} · ${run.files.length} files${run.status === 'done' ? '' : ` (${run.status})`}`;
}
