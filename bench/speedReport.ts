/**
 * Merges several bench/engineSpeed.ts results (e.g. one locked run per model × thread count, or the
 * same cells run again with fresh processes: their reps are pooled) into one table with best against best:
 *   node --import tsx bench/speedReport.ts bench/results/engine-speed-A.json bench/results/engine-speed-B.json …
 */
import { readFile } from 'node:fs/promises';
import { bestAgainstBest, cellTable, mergeRows, type Row } from './speedStats';

const files = process.argv.slice(2);
if (!files.length) throw new Error('usage: speedReport.ts <engine-speed-*.json>…');
const runs: Row[] = [];
const notes: string[] = [];
for (const file of files) {
  const result = JSON.parse(await readFile(file, 'utf8')) as { rows: Row[]; notes?: string[]; reps: number };
  if (!result.rows.every((r) => Array.isArray(r.runs))) throw new Error(`${file} predates interleaved runs (no per-rep data)`);
  runs.push(...result.rows);
  notes.push(...(result.notes ?? []));
}
const rows = mergeRows(runs);
console.table(cellTable(rows));
console.log('Best against best (each engine at its fastest thread count):');
console.table(bestAgainstBest(rows));
if (rows.some((r) => r.noisy)) console.log('Cells marked "noisy" spread more than ±12 % around their median.');
for (const text of notes) console.log(`NOTE: ${text}`);

