import type { LabFileResult } from '../../../../shared/labDto';
import { cx, mutedText } from '../../shared/components/ui';
import { chartLayout } from './labFormat';

/** Size against generation speed; quality loss as the marker's size and colour (plain SVG). */
export function LabChart({ files }: { files: readonly LabFileResult[] }) {
  const layout = chartLayout(files);
  const { plot } = layout;
  return (
    <figure className="mt-4">
      <svg
        role="img"
        aria-label="Chart: file size against generation speed; larger, redder markers lose more quality"
        viewBox={`0 0 ${layout.width} ${layout.height}`}
        className="w-full max-w-2xl text-zinc-500 dark:text-zinc-400"
      >
        <line x1={plot.left} y1={plot.bottom} x2={plot.right} y2={plot.bottom} stroke="currentColor" />
        <line x1={plot.left} y1={plot.top} x2={plot.left} y2={plot.bottom} stroke="currentColor" />
        {layout.xTicks.map((t) => (
          <text key={`x${t.value}`} x={t.x} y={plot.bottom + 14} textAnchor="middle" fontSize="10" fill="currentColor">
            {Math.round(t.value)}
          </text>
        ))}
        {layout.yTicks.map((t) => (
          <text key={`y${t.value}`} x={plot.left - 6} y={t.y + 3} textAnchor="end" fontSize="10" fill="currentColor">
            {Math.round(t.value)}
          </text>
        ))}
        <text x={(plot.left + plot.right) / 2} y={layout.height - 6} textAnchor="middle" fontSize="11" fill="currentColor">
          Size (MiB)
        </text>
        <text x={12} y={(plot.top + plot.bottom) / 2} textAnchor="middle" fontSize="11" fill="currentColor" transform={`rotate(-90 12 ${(plot.top + plot.bottom) / 2})`}>
          Generation (tok/s)
        </text>
        {layout.points.map((p) => (
          <g key={p.file.modelId} data-testid="lab-chart-point">
            <circle cx={p.x} cy={p.y} r={p.r} fill={p.color} fillOpacity={0.8} stroke="white" strokeWidth={1}>
              <title>{`${p.file.fileName}: ${p.file.tgTokensPerSecond.toFixed(1)} tok/s, mean KLD ${p.file.isBase ? '0 (base)' : p.file.kldMean.toFixed(5)}`}</title>
            </circle>
            <text x={p.x + p.r + 3} y={p.y + 3} fontSize="10" fill="currentColor">
              {p.file.quantization}
            </text>
          </g>
        ))}
      </svg>
      <figcaption className={cx('text-xs', mutedText)}>
        Up and to the left is faster and smaller; marker size and colour grow with the mean KL divergence from the base (green: none).
      </figcaption>
    </figure>
  );
}
