/**
 * The reference for the concurrency bench: llama.cpp's own server on the same model and machine.
 * Used only when `LLAMA_SERVER` points at a `llama-server` binary built from the llama.cpp source
 * node-llama-cpp bundles (`node_modules/node-llama-cpp/llama/gitRelease.bundle`; build it with
 * `cmake -B build -DLLAMA_CURL=OFF -DLLAMA_BUILD_SERVER=ON && cmake --build build --target llama-server`).
 * Talks only to 127.0.0.1.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';

export interface ServerRun {
  tokensPerSecond: number;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** Starts llama-server with `parallel` slots of `contextPerSlot` tokens; resolves when /health says ok. */
export async function startLlamaServer(binary: string, modelPath: string, options: { parallel: number; threads: number; contextPerSlot: number }) {
  const port = await freePort();
  const child = spawn(
    binary,
    ['-m', modelPath, '--host', '127.0.0.1', '--port', String(port), '-np', String(options.parallel), '-t', String(options.threads), '-tb', String(options.threads), '-c', String(options.contextPerSlot * options.parallel), '--no-webui', '-ngl', '0'],
    { stdio: ['ignore', 'ignore', 'ignore'] },
  );
  const base = `http://127.0.0.1:${port}`;
  const until = Date.now() + 60_000;
  for (;;) {
    if (Date.now() > until) {
      child.kill('SIGKILL');
      throw new Error('llama-server did not become healthy in 60 s');
    }
    const ok = await fetch(`${base}/health`).then((r) => r.ok, () => false);
    if (ok) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    /** Where it listens, e.g. `http://127.0.0.1:40123`. */
    baseUrl: base,
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
    stop(): Promise<void> {
      return new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
    },
  };
}
