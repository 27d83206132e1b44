import type { LabExport, LabFileResult, LabRun } from '../../../shared/labDto';

/** Columns of the CSV, named as the JSON's keys so a script can use either. */
const CSV_COLUMNS: (keyof LabFileResult)[] = [
  'modelId',
  'fileName',
  'quantization',
  'isBase',
  'size',
  'bitsPerWeight',
  'loadMs',
  'ramBytes',
  'vramBytes',
  'ppTokensPerSecond',
  'tgTokensPerSecond',
  'ppl',
  'pplStderr',
  'pplRatio',
  'pplRatioStderr',
  'kldMean',
  'kldStderr',
  'kldMedian',
  'kld99',
  'kldMax',
  'sameTopPercent',
  'sameTopStderrPercent',
  'rmsDeltaP',
  'rmsDeltaPStderr',
  'evalMs',
];

export function exportLabRun(run: LabRun, format: 'csv' | 'json' | 'markdown'): LabExport {
  const stem = `hearth-lab-${run.startedAt.slice(0, 19).replace(/[:T]/g, '-')}`;
  if (format === 'json') return { fileName: `${stem}.json`, mimeType: 'application/json', text: `${JSON.stringify(run, null, 2)}\n` };
  if (format === 'csv') return { fileName: `${stem}.csv`, mimeType: 'text/csv', text: labCsv(run) };
  return { fileName: `${stem}.md`, mimeType: 'text/markdown', text: labMarkdown(run) };
}

export function labCsv(run: LabRun): string {
  const rows = run.files.map((file) => CSV_COLUMNS.map((column) => csvCell(file[column])).join(','));
  return `${[CSV_COLUMNS.join(','), ...rows].join('\r\n')}\r\n`;
}

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The run as a Markdown table (the CLI prints the same table). */
export function labMarkdown(run: LabRun): string {
  const header = [
    `# Quantization lab, ${run.startedAt.slice(0, 16).replace('T', ' ')}`,
    '',
    `${run.machine.cpu} (${run.machine.cores} cores), ${run.threads} thread${run.threads === 1 ? '' : 's'}; ` +
      `text: ${run.text.name} (${run.text.tokens} tokens), ${run.chunks} chunks of ${run.contextSize}, ${run.scoredTokens} tokens scored per file; ` +
      `quality against ${run.files.find((file) => file.isBase)?.fileName ?? run.baseModelId}.` +
      (run.status !== 'done' ? ` Run ${run.status}${run.error ? `: ${run.error}` : ''}.` : ''),
    '',
  ];
  return `${[...header, ...labTable(run.files)].join('\n')}\n`;
}

export function labTable(files: readonly LabFileResult[]): string[] {
  const head = ['File', 'Quant', 'Size', 'Bits/weight', 'Load', 'RAM', 'pp tok/s', 'tg tok/s', 'PPL', 'PPL ratio', 'Mean KLD', 'Same top', 'RMS Δp'];
  const rows = files.map((file) => [
    file.fileName + (file.isBase ? ' (base)' : ''),
    file.quantization,
    mib(file.size),
    file.bitsPerWeight === null ? '–' : file.bitsPerWeight.toFixed(2),
    `${Math.round(file.loadMs)} ms`,
    mib(file.ramBytes),
    file.ppTokensPerSecond.toFixed(1),
    file.tgTokensPerSecond.toFixed(1),
    `${file.ppl.toFixed(3)} ± ${file.pplStderr.toFixed(3)}`,
    file.isBase ? '–' : `${file.pplRatio.toFixed(4)} ± ${file.pplRatioStderr.toFixed(4)}`,
    file.isBase ? '–' : `${file.kldMean.toFixed(6)} ± ${file.kldStderr.toFixed(6)}`,
    file.isBase ? '–' : `${file.sameTopPercent.toFixed(2)} %`,
    file.isBase ? '–' : `${file.rmsDeltaP.toFixed(3)} %`,
  ]);
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((row) => `| ${row.join(' | ')} |`)];
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
