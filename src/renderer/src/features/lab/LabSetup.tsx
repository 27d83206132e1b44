import { useMemo, useState } from 'react';
import type { LabGroup } from '../../../../shared/labDto';
import { DEFAULT_LAB_CONTEXT, MAX_LAB_TEXT_BYTES } from '../../../../shared/labSchemas';
import { cx, errorText, mutedText, primaryButton } from '../../shared/components/ui';
import { useLabStore } from './lab';
import { fmt } from './labFormat';

const BY_HAND = '__by_hand__';
const field = 'rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm dark:border-zinc-700 dark:bg-zinc-900';

/** Which files, which text, how long the chunks: then Run. */
export function LabSetup() {
  const groups = useLabStore((s) => s.groups);
  const running = useLabStore((s) => s.running);
  const start = useLabStore((s) => s.start);
  const [groupKey, setGroupKey] = useState<string | null>(null);
  /** Null: every file of the group is ticked (the start, and after choosing a group). */
  const [ticked, setTicked] = useState<Set<string> | null>(null);
  const [contextSize, setContextSize] = useState(String(DEFAULT_LAB_CONTEXT));
  const [chunks, setChunks] = useState('');
  const [text, setText] = useState<{ name: string; content: string } | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  const allModels = useMemo(() => byHand(groups ?? []), [groups]);
  // Until one is chosen: the group with the most files.
  const key = groupKey ?? groups?.[0]?.key ?? null;
  const group = key === BY_HAND ? allModels : groups?.find((g) => g.key === key);
  const checked = ticked ?? new Set(key === BY_HAND ? [] : (group?.models ?? []).map((m) => m.id));

  if (groups === null) return <p className={mutedText}>Loading the library…</p>;
  if (groups.length === 0) return <p className={mutedText}>No readable models yet. Download two quantizations of one model in Discover, then come back.</p>;

  const chooseGroup = (next: string) => {
    setGroupKey(next);
    setTicked(null);
  };
  const toggle = (id: string) => setTicked(checked.has(id) ? new Set([...checked].filter((x) => x !== id)) : new Set([...checked, id]));
  const picked = (group?.models ?? []).filter((m) => checked.has(m.id));
  const context = Number(contextSize);
  const chunkCount = chunks.trim() === '' ? undefined : Number(chunks);
  const valid =
    picked.length >= 2 && Number.isInteger(context) && context >= 64 && context <= 8192 && (chunkCount === undefined || (Number.isInteger(chunkCount) && chunkCount >= 1));

  const onFile = async (file: File | undefined) => {
    setProblem(null);
    if (!file) return setText(null);
    if (file.size > MAX_LAB_TEXT_BYTES) return setProblem(`That file is ${fmt.mib(file.size)}; the lab takes at most ${fmt.mib(MAX_LAB_TEXT_BYTES)}.`);
    setText({ name: file.name, content: await file.text() });
  };

  return (
    <section aria-label="Lab setup" className="rounded-lg border border-zinc-200 p-4 dark:border-zinc-800">
      <div className="flex flex-wrap items-end gap-4">
        <label className="flex flex-col gap-1 text-sm">
          Model
          <select className={field} value={key ?? ''} onChange={(e) => chooseGroup(e.target.value)} disabled={running}>
            {groups.map((g) => (
              <option key={g.key} value={g.key}>
                {g.name} · {g.models.length} file{g.models.length === 1 ? '' : 's'}
              </option>
            ))}
            <option value={BY_HAND}>Any files (pick by hand)</option>
          </select>
        </label>
        <label className="flex flex-col gap-1 text-sm">
          Tokens per chunk
          <input className={cx(field, 'w-24')} inputMode="numeric" value={contextSize} onChange={(e) => setContextSize(e.target.value)} disabled={running} />
        </label>
        <label className="flex flex-col gap-1 text-sm">
          Chunks (empty = all)
          <input className={cx(field, 'w-24')} inputMode="numeric" value={chunks} onChange={(e) => setChunks(e.target.value)} disabled={running} />
        </label>
        <label className="flex flex-col gap-1 text-sm">
          Text file (optional)
          <input type="file" accept=".txt,.md,text/plain" className="text-sm" onChange={(e) => void onFile(e.target.files?.[0])} disabled={running} />
        </label>
      </div>
      <fieldset className="mt-3">
        <legend className={cx('text-xs', mutedText)}>Files to compare (quality is measured against the largest one ticked)</legend>
        <ul className="mt-1 grid gap-1 sm:grid-cols-2">
          {(group?.models ?? []).map((m) => (
            <li key={m.id}>
              <label className="flex items-center gap-2 text-sm">
                <input type="checkbox" checked={checked.has(m.id)} onChange={() => toggle(m.id)} disabled={running} />
                <span className="font-mono">{m.fileName}</span>
                <span className={mutedText}>
                  {m.quantization} · {fmt.mib(m.sizeBytes)} · {fmt.bpw(m.bitsPerWeight)} bits/weight
                </span>
              </label>
            </li>
          ))}
        </ul>
      </fieldset>
      <div className="mt-3 flex flex-wrap items-center gap-3">
        <button
          type="button"
          className={primaryButton}
          disabled={!valid || running}
          onClick={() =>
            void start({
              modelIds: picked.map((m) => m.id),
              contextSize: context,
              ...(chunkCount !== undefined ? { chunks: chunkCount } : {}),
              ...(text ? { text } : {}),
            })
          }
        >
          Run lab
        </button>
        <span className={cx('text-xs', mutedText)}>
          {picked.length < 2 ? 'Tick two or more files.' : `${picked.length} files · text: ${text ? text.name : 'the bundled sample (~2,000 tokens)'}`}
        </span>
        {problem && <span className={cx('text-xs', errorText)}>{problem}</span>}
      </div>
    </section>
  );
}

function byHand(groups: readonly LabGroup[]): LabGroup {
  return { key: BY_HAND, name: 'Any files', architecture: '', parameterCount: 0, models: groups.flatMap((g) => g.models) };
}
