import { formatBytes } from '../../shared/format';
import type { ModelInfo } from '../../shared/dto';

/** Plain-text table for `hearth ls`: one model a line, unreadable files with their reason. */
export function formatModelTable(models: ModelInfo[]): string {
  if (models.length === 0) return 'No models found.\n';
  const rows = models.map((m) => [
    m.id,
    m.metadata?.quantization ?? '-',
    formatBytes(m.sizeBytes),
    m.status === 'ok' ? `${m.metadata?.architecture ?? ''} ${m.metadata?.trainedContextLength ?? ''} ctx` : `unreadable: ${m.error ?? ''}`,
  ]);
  const header = ['MODEL', 'QUANT', 'SIZE', 'DETAILS'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

