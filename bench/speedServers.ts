/**
 * Hearth's side of bench/engineSpeed.ts: `hearth serve --api-port 0` with one model loaded, as a
 * server the speed bench can drive and stop like llama-server (bench/llamaServer.ts).
 */
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHearth } from '../e2e/support/hearthServer';
import { RpcClient } from '../e2e/support/rpcClient';
import { descendants } from './processes';
import type { Engine } from './speedStats';

export interface SpeedServer {
  engine: Engine;
  /** e.g. `http://127.0.0.1:40123`; the OpenAI-compatible API is under /v1. */
  baseUrl: string;
  /** The `model` to send, when the server needs one. */
  model: string | undefined;
  /** Every process the server runs (for Hearth: `hearth serve` and its engine process), to wait out after stop. */
  pids(): number[];
  stop(): Promise<void>;
}

/** Starts `hearth serve` on a temp copy of the model and loads it with `parallel` sequences. */
export async function startHearthApi(modelPath: string, options: { threads: number; parallel: number; contextPerStream: number }): Promise<SpeedServer> {
  const modelsDir = await mkdtemp(join(tmpdir(), 'hearth-bench-speed-'));
  await copyFile(modelPath, join(modelsDir, 'bench.gguf'));
  const server = await startHearth({ modelsDir, threads: options.threads, args: ['--api-port', '0'] });
  const rpc = await RpcClient.connect(server.origin, server.token);
  const stop = async () => {
    rpc.close();
    await server.stop();
    await rm(modelsDir, { recursive: true, force: true });
  };
  let apiUrl: string | undefined;
  try {
    for (let tries = 0; !apiUrl && tries < 50; tries++) {
      apiUrl = server.stdoutLines().map((line) => /^Hearth API at (\S+)\/v1/.exec(line)?.[1]).find(Boolean);
      if (!apiUrl) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    if (!apiUrl) throw new Error(`no API line in: ${server.stdoutLines().join('\n')}`);
    await rpc.call('inference.loadModel', { modelId: 'bench.gguf', contextSize: options.contextPerStream, threads: options.threads, parallel: options.parallel, force: true });
  } catch (error) {
    await stop();
    throw error;
  }
  const root = server.process.pid!;
  // The engine process exists once the model is loaded; remember it, since after stop it has no parent to find it by.
  const pids = [root, ...descendants(root)];
  return { engine: 'hearth', baseUrl: apiUrl, model: 'bench.gguf', pids: () => pids, stop };
}
