import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { FitHardware } from '../hardware/fitEstimate';
import type { HubGgufFile, HubRepo } from './hubTypes';
import { RemoteFitService } from './remoteFit';

const HARDWARE: FitHardware = { gpu: false, vramTotalBytes: 0, vramFreeBytes: 0, unifiedBytes: 0, ramTotalBytes: 32 * 1024 ** 3, ramFreeBytes: 30 * 1024 ** 3 };

describe('RemoteFitService limits', () => {
  it('reads at most two files at a time and gives each stalled file a timeout line', async () => {
    // A CDN that accepts connections and never answers.
    const stalled = createServer(() => undefined);
    await new Promise<void>((resolve) => stalled.listen(0, '127.0.0.1', resolve));
    const cdn = `http://127.0.0.1:${(stalled.address() as AddressInfo).port}`;
    let inFlight = 0;
    let maxInFlight = 0;
    const hub = {
      endpoint: 'http://127.0.0.1:1',
      fileUrl: (repo: string, path: string) => `http://127.0.0.1:1/${repo}/resolve/main/${path}`,
      headFile: async (_repo: string, path: string) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 20));
        inFlight--;
        return { location: `${cdn}/blobs/${encodeURIComponent(path)}` };
      },
    };
    const files: HubGgufFile[] = ['Q2_K', 'Q3_K_M', 'Q4_K_M', 'Q5_K_M', 'Q6_K'].map((quant) => ({
      name: `m-${quant}.gguf`, quant, size: 1_000, parts: [{ path: `m-${quant}.gguf`, size: 1_000 }], projector: false,
    }));
    const repo: HubRepo = { id: 'o/r', sha: 'a'.repeat(40), gated: false, files };
    try {
      const fit = await new RemoteFitService({ hub, fileTimeoutMs: 300 }).estimateRepo({ repo, hardware: HARDWARE, contextSize: 4096 });
      expect(maxInFlight).toBe(2);
      expect(fit.files).toHaveLength(5);
      for (const file of fit.files) expect(file).toMatchObject({ estimate: null, recommended: false, error: 'Reading the header timed out after 0.3 s.' });
    } finally {
      stalled.closeAllConnections();
      await new Promise((resolve) => stalled.close(resolve));
    }
  });
});
