/**
 * `hearth bench <model>`: the machine benchmark in the terminal (llama-bench's pp512 and tg128,
 * time to first token, load time, memory, for each thread count), kept like the UI's: loads of
 * that model then use its fastest thread count, and the machine profile its bandwidth.
 */
import type { BenchProgress, BenchResult, BenchThreadRun } from '../../shared/benchDto';
import { toErrorShape } from '../../shared/errors';
import { given } from '../../shared/given';
import { formatBytes } from '../../shared/format';
import type { Core } from '../core/createCore';
import { ModelOnDemand } from '../core/generation/modelOnDemand';
import type { BenchOptions } from './measureArgs';
import type { CliOutput } from './prompt';

export interface BenchDeps {
  core: Pick<Core, 'library' | 'inference' | 'logger' | 'bench'>;
  out: CliOutput;
  err: (text: string) => void;
  /** Aborted on Ctrl-C: the benchmark's engine process is stopped and nothing is kept. */
  signal: AbortSignal;
}

/** Runs the command; returns the exit code (0 done, 1 unknown model or a failure, 130 cancelled). */
export async function benchCommand(options: BenchOptions, deps: BenchDeps): Promise<number> {
  const names = new ModelOnDemand({ library: deps.core.library, inference: deps.core.inference, logger: deps.core.logger, idleUnloadMs: 0 });
  try {
    const model = await names.resolve(options.model);
    const say = (line: string) => (options.json ? deps.err(`${line}\n`) : deps.out.write(`${line}\n`));
    say(`Benchmarking ${model.id} (${model.metadata?.quantization ?? '?'}, ${formatBytes(model.sizeBytes)}) in an engine process of its own…`);
    const result = await deps.core.bench.run(
      {
        modelId: model.id,
        ...(options.threads ? { threads: options.threads } : {}),
        ...given({ promptTokens: options.promptTokens, genTokens: options.genTokens, repetitions: options.repetitions }),
      },
      (progress) => {
        const line = progressLine(progress);
        if (line) say(line);
      },
      deps.signal,
    );
    if (options.json) deps.out.write(`${JSON.stringify(result, null, 2)}\n`);
    else deps.out.write(formatBenchResult(result, (await deps.core.bench.profile()).cpu.modelId === result.modelId));
    return 0;
  } catch (error) {
    if (deps.signal.aborted) {
      deps.err('hearth: the benchmark was cancelled; nothing was kept.\n');
      return 130;
    }
    deps.err(`hearth: ${toErrorShape(error).message.replace(/\s+/g, ' ')}\n`);
    return 1;
  } finally {
    names.close();
  }
}

function progressLine(progress: BenchProgress): string | undefined {
  if (progress.type === 'loading') return 'Loading the model…';
  if (progress.type === 'measuring') return `Measuring ${progress.threads} thread${progress.threads === 1 ? '' : 's'} (${progress.done + 1} of ${progress.total}${progress.etaSeconds !== undefined ? `, about ${progress.etaSeconds} s left` : ''})…`;
  return undefined;
}

const rate = (value: number, spread: number) => `${value.toFixed(1)}${spread > 0 ? ` ± ${spread.toFixed(1)}` : ''}`;

/** The result as a table plus the lines that say what was kept. */
export function formatBenchResult(result: BenchResult, setsProfile: boolean): string {
  const pp = `pp${result.promptTokens} tok/s`;
  const tg = `tg${result.genTokens} tok/s`;
  const rows = [['threads', pp, tg, 'TTFT ms'], ...result.runs.map((run: BenchThreadRun) => [String(run.threads), rate(run.ppTokensPerSecond, run.ppStdDev), rate(run.tgTokensPerSecond, run.tgStdDev), String(Math.round(run.timeToFirstTokenMs))])];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const table = rows.map((row) => row.map((cell, column) => cell.padStart(widths[column]!)).join('  ')).join('\n');
  const best = result.runs.find((run) => run.threads === result.bestThreads)!;
  const where = result.gpuLayers > 0 ? `${result.gpuLayers} of ${result.totalLayers} layers on ${result.gpuNames.join(', ') || 'the GPU'}` : 'CPU';
  const bandwidth = [
    result.bandwidth.cpuBytesPerSecond ? `CPU ${formatBytes(result.bandwidth.cpuBytesPerSecond)}/s` : '',
    result.bandwidth.gpuBytesPerSecond ? `GPU ${formatBytes(result.bandwidth.gpuBytesPerSecond)}/s` : '',
  ].filter(Boolean);
  return [
    table,
    '',
    `Best: ${result.bestThreads} thread${result.bestThreads === 1 ? '' : 's'} (${best.tgTokensPerSecond.toFixed(1)} tok/s generating); loads of this model without a thread count now use it.`,
    `Load ${(result.loadMs / 1000).toFixed(1)} s · +${formatBytes(result.memory.ramBytes)} RAM${result.memory.vramBytes > 0 ? ` + ${formatBytes(result.memory.vramBytes)} VRAM` : ''} · peak ${formatBytes(result.memory.peakRssBytes)} resident · ${where} (${result.backend})`,
    bandwidth.length > 0
      ? `Effective bandwidth: ${bandwidth.join(', ')} (${formatBytes(result.bytesPerToken)} read per token × ${best.tgTokensPerSecond.toFixed(1)} tok/s)${setsProfile ? '; the machine profile now uses it.' : '; the profile keeps the benchmark of a larger model.'}`
      : '',
  ]
    .filter((line, i) => line !== '' || i === 1)
    .join('\n')
    .concat('\n');
}
