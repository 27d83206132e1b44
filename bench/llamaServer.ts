/**
 * The reference for the speed benches: llama.cpp's own server on the same model and machine, built
 * from the llama.cpp source node-llama-cpp bundles (`node_modules/node-llama-cpp/llama/gitRelease.bundle`)
 * by bench/buildLlamaServer.sh, or any binary named by `LLAMA_SERVER`. Talks only to 127.0.0.1.
 *
 * Same conditions as Hearth's engine: CPU only, flash attention on (Hearth's default; llama-server's
 * `auto` picks per build), `-t` = `-tb` = the thread count given, one slot per parallel sequence.
 */
import { spawn } from 'node:child_process';
import { waitGone } from './processes';
import { freePort } from '../src/main/testing/freePort';

export interface ServerRun {
  tokensPerSecond: number;
}


/** Starts llama-server with `parallel` slots of `contextPerSlot` tokens; resolves when /health says ok. */
export async function startLlamaServer(binary: string, modelPath: string, options: { parallel: number; threads: number; contextPerSlot: number }) {
  const port = await freePort();
  const child = spawn(
    binary,
    [
      ...['-m', modelPath, '--host', '127.0.0.1', '--port', String(port), '--no-webui', '-ngl', '0', '-fa', 'on'],
      ...['-np', String(options.parallel), '-t', String(options.threads), '-tb', String(options.threads), '-c', String(options.contextPerSlot * options.parallel)],
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  // Keep the end of its log for the error message when it dies (a bad flag, too little memory).
  let log = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-2000);
  });
  let exited = child.exitCode !== null;
  const exit = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  const base = `http://127.0.0.1:${port}`;
  const until = Date.now() + 120_000;
  for (;;) {
    if (exited) throw new Error(`llama-server exited before it was healthy:\n${log}`);
    if (Date.now() > until) {
      child.kill('SIGKILL');
      throw new Error(`llama-server did not become healthy in 120 s:\n${log}`);
    }
    const ok = await fetch(`${base}/health`).then((r) => r.ok, () => false);
    if (ok) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    /** Where it listens, e.g. `http://127.0.0.1:40123`. */
    baseUrl: base,
    pid: child.pid,
    /** `streams` completions of `tokens` tokens at once, greedy; aggregate generated tokens/s. */
    async measure(streams: number, tokens: number, run: number): Promise<ServerRun> {
      const started = performance.now();
      const results = await Promise.all(
        Array.from({ length: streams }, (_, i) =>
          fetch(`${base}/v1/chat/completions`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({
              messages: [{ role: 'user', content: `Run ${run} stream ${i}: tell me about the history of bread.` }],
              max_tokens: tokens,
              temperature: 0,
              ignore_eos: true,
            }),
          }).then((r) => r.json() as Promise<{ usage: { completion_tokens: number } }>),
        ),
      );
      const seconds = (performance.now() - started) / 1000;
      return { tokensPerSecond: results.reduce((sum, r) => sum + r.usage.completion_tokens, 0) / seconds };
    },
    /** SIGTERM, then SIGKILL if it is still there after 10 s; resolves once the process is gone. */
    async stop(): Promise<void> {
      if (!exited) child.kill('SIGTERM');
      await Promise.race([exit, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      if (child.pid !== undefined) await waitGone([child.pid], 1);
      await exit;
    },
  };
}
