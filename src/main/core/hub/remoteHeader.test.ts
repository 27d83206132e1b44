import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readGgufFileInfo } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureModel } from '../../testing/fixtureModels';
import { readRemoteHeader } from './remoteHeader';

const MIB = 1024 * 1024;

/** A CDN-like server for one file on disk that honours `Range` and counts the body bytes it sends. */
function rangeServer(path: string, size: number): { server: Server; sent: { bytes: number; requests: number } } {
  const sent = { bytes: 0, requests: 0 };
  const server = createServer((req, res) => {
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    const start = range ? Number(range[1]) : 0;
    const end = range?.[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
    sent.requests++;
    sent.bytes += end - start + 1;
    res.writeHead(range ? 206 : 200, { 'content-length': end - start + 1, ...(range ? { 'content-range': `bytes ${start}-${end}/${size}` } : {}) });
    createReadStream(path, { start, end }).pipe(res);
  });
  return { server, sent };
}

describe('readRemoteHeader', () => {
  let path: string;
  let size: number;
  let served: ReturnType<typeof rangeServer>;
  let url: string;

  beforeAll(async () => {
    // 77 MB: big enough that "header only" is visible, unlike the ~100 KB tiny fixtures (read whole, under the 4 MiB read-ahead).
    path = await fixtureModel({ preset: 'smollm2-135m', type: 'Q4_0' });
    size = (await stat(path)).size;
    served = rangeServer(path, size);
    await new Promise<void>((resolve) => served.server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(served.server.address() as AddressInfo).port}/blobs/model.gguf?x=1`;
  });
  afterAll(async () => {
    served.server.closeAllConnections();
    await new Promise((resolve) => served.server.close(resolve));
  });

  it('reads the header of a 77 MB model with a few MB, counts exactly what the server sent, and parses as the local read does', async () => {
    const remote = await readRemoteHeader(url);
    const local = await readGgufFileInfo(path, {
      logWarnings: false,
      ignoreKeys: ['tokenizer.ggml.tokens', 'tokenizer.ggml.scores', 'tokenizer.ggml.token_type', 'tokenizer.ggml.merges'],
    });
    console.log(`smollm2-135m Q4_0: header ends at ${(local.tensorInfoSize ?? 0) + local.totalMetadataSize} B; read ${remote.bytesRead} B of ${size} B in ${served.sent.requests} request(s)`);
    expect(remote.bytesRead).toBe(served.sent.bytes);
    expect(remote.bytesRead).toBeLessThan(8 * MIB);
    expect(remote.bytesRead).toBeLessThan(size / 10);
    expect(remote.info.fullTensorInfo).toEqual(local.fullTensorInfo);
    expect(remote.info.architectureMetadata).toEqual(local.architectureMetadata);
  });
});
