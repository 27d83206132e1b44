import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHubFixtureServer, type HubFixtureServer } from '../../testing/hub/hubFixtureServer';
import { starterFixtureRepos } from '../../testing/hub/starterFixtureRepos';
import type { FitHardware } from '../hardware/fitEstimate';
import { silentLogger } from '../logging/logger';
import { SettingsStore } from '../settings/settingsStore';
import { HubClient } from './hubClient';
import { HubService } from './hubService';
import { LicenceService } from './licence';
import { RemoteFitService } from './remoteFit';
import { STARTER_TIERS, tierFor } from './starterModels';
import { StarterService } from './starters';

const GB = 1e9;
const cpu16: FitHardware = { gpu: false, vramTotalBytes: 0, vramFreeBytes: 0, unifiedBytes: 0, ramTotalBytes: 16 * GB, ramFreeBytes: 12 * GB };

let hub: HubFixtureServer;
let dataDir: string;

beforeAll(async () => {
  hub = await startHubFixtureServer({ extraRepos: await starterFixtureRepos() });
  dataDir = await mkdtemp(join(tmpdir(), 'hearth-starters-'));
});
afterAll(async () => {
  await hub?.close();
  await rm(dataDir, { recursive: true, force: true });
});

function service(endpoint: string, hardware: FitHardware = cpu16): StarterService {
  const client = new HubClient({ endpoint });
  const remoteFit = new RemoteFitService({ hub: client });
  const hubService = new HubService({ client, remoteFit, fitHardware: async () => hardware });
  const licences = new LicenceService(new SettingsStore({ dataDir, logger: silentLogger }));
  return new StarterService({ hub: hubService, remoteFit, licences, fitHardware: async () => hardware });
}

describe('starter data', () => {
  it('has three starters per group, the first permissive (one click, no licence question)', () => {
    for (const tier of STARTER_TIERS) {
      expect(tier.starters).toHaveLength(3);
      expect(['apache-2.0', 'mit']).toContain(tier.starters[0]!.licence);
      for (const starter of tier.starters) {
        expect(starter.repo).toMatch(/^[\w.-]+\/[\w.-]+-GGUF$/);
        expect(starter.approxSizeBytes).toBeGreaterThan(0.1 * GB);
      }
    }
  });

  it('picks the group by GPU memory, then RAM: CPU-only machines never get the 7B group', () => {
    expect(tierFor({ gpu: true, vramTotalBytes: 12 * GB, ramTotalBytes: 32 * GB }).id).toBe('large');
    expect(tierFor({ gpu: false, vramTotalBytes: 0, ramTotalBytes: 64 * GB }).id).toBe('medium');
    expect(tierFor({ gpu: true, vramTotalBytes: 4 * GB, ramTotalBytes: 8 * GB }).id).toBe('medium');
    expect(tierFor({ gpu: false, vramTotalBytes: 0, ramTotalBytes: 4 * GB }).id).toBe('small');
  });
});

describe('StarterService against the stand-in Hub', () => {
  it('resolves each starter to its Q4_K_M file with size, fit and licence, and recommends the first', async () => {
    const list = await service(hub.endpoint).list();
    const medium = STARTER_TIERS.find((t) => t.id === 'medium')!;
    expect(list.tier).toContain(medium.description);
    expect(list.starters.map((s) => s.repo)).toEqual(medium.starters.map((s) => s.repo));
    for (const starter of list.starters) {
      expect(starter.error).toBeUndefined();
      expect(starter.file).toMatch(/-Q4_K_M\.gguf$/);
      expect(starter.revision).toMatch(/^[0-9a-f]{40}$/);
      // The Hub's size (a tiny stand-in file here), not the data file's approximation.
      expect(starter.sizeBytes).toBe(hub.file(starter.repo, starter.file!)!.bytes.length);
      expect(starter.fit?.estimate?.label).toBe('cpu');
    }
    expect(list.starters.filter((s) => s.recommended).map((s) => s.repo)).toEqual([medium.starters[0]!.repo]);
    const llama = list.starters.find((s) => s.licence.family === 'llama3.2');
    expect(llama?.licence).toMatchObject({ kind: 'restrictive', needsConfirmation: true });
    expect(list.starters[0]!.licence).toMatchObject({ kind: 'permissive', needsConfirmation: false });
  });

  it('offline: lists the starters from the data with the reason, and recommends none', async () => {
    const list = await service('http://127.0.0.1:9').list();
    expect(list.starters).toHaveLength(3);
    for (const starter of list.starters) {
      expect(starter.error).toBeTruthy();
      expect(starter.sizeBytes).toBeGreaterThan(0.1 * GB);
      expect(starter.recommended).toBe(false);
    }
  });
});
