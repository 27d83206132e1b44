import { describe, expect, it } from 'vitest';
import type { EngineStatus } from '../../../shared/dto';
import { silentLogger } from '../logging/logger';
import { EngineClient, type GenerationEvent } from './engineClient';
import { nodeEngineLauncher, type EngineProcess } from './engineProcess';
import type { EngineCall, EngineMessage } from './protocol';

/** An engine process in memory: says ready, then answers each call with `answer`'s messages; kill ends it. */
function scriptedProcess(answer: (call: EngineCall) => EngineMessage[]): EngineProcess {
  let listener: (message: EngineMessage) => void = () => {};
  const exits: Array<(exit: { code: number | null; signal: string | null }) => void> = [];
  return {
    pid: 1,
    send: (call) => setTimeout(() => answer(call).forEach((message) => listener(message))),
    onMessage(next) {
      listener = next;
      setTimeout(() => listener({ kind: 'ready', pid: 1 }));
    },
    onExit: (next) => exits.push(next),
    kill: () => exits.forEach((exit) => exit({ code: null, signal: 'SIGKILL' })),
  };
}

describe('EngineClient', () => {
  it('fails calls with a clear error when the engine process cannot start, and reports it', async () => {
    const statuses: EngineStatus[] = [];
    const client = new EngineClient({
      launch: nodeEngineLauncher({ workerPath: '/nonexistent/engineWorker.js', gpu: false, maxThreads: 1 }),
      logger: silentLogger,
      onStatus: (s) => statuses.push(s),
      onLoadProgress: () => {},
    });
    await expect(client.call({ op: 'unload' })).rejects.toMatchObject({
      code: 'ENGINE_ERROR',
      message: expect.stringContaining('failed to start'),
    });
    expect(statuses[0]?.state).toBe('starting');
    expect(client.status.state).toBe('crashed');
    await client.dispose();
  });

  it("routes each reply's text out of a batch message to its own caller, in order, before the results", async () => {
    const calls: EngineCall[] = [];
    const client = new EngineClient({
      launch: () =>
        scriptedProcess((call) => {
          calls.push(call);
          if (calls.length < 2) return [];
          // Both generations are running: one batch carries the text of both, then both results.
          const [a, b] = calls as [EngineCall, EngineCall];
          const tokens = (requestId: string, text: string) => ({ kind: 'tokens' as const, requestId, text, tokenCount: 1 });
          return [
            { kind: 'batch', messages: [tokens('a', 'A1'), tokens('b', 'B1'), tokens('a', 'A2')] },
            { kind: 'result', id: a.id, ok: true, value: { text: 'A1A2' } },
            { kind: 'result', id: b.id, ok: true, value: { text: 'B1' } },
          ];
        }),
      logger: silentLogger,
      onStatus: () => {},
      onLoadProgress: () => {},
    });
    const seen: Record<string, string[]> = { a: [], b: [] };
    const generate = (requestId: string) =>
      client.call({ op: 'generate', requestId, messages: [], params: {} }, (event: GenerationEvent) => {
        if (event.kind === 'tokens') seen[requestId]!.push(event.text);
      });
    const results = await Promise.all([generate('a'), generate('b')]);
    expect(results).toEqual([{ text: 'A1A2' }, { text: 'B1' }]);
    expect(seen).toEqual({ a: ['A1', 'A2'], b: ['B1'] });
    await client.dispose();
  });
});
