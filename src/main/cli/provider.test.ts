import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../core/logging/logger';
import { ProviderService } from '../core/providers/providerService';
import { FileSecretStore } from '../core/providers/secretStore';
import { parseArgs } from './args';
import { providerCommand } from './provider';
import { parseProviderArgs } from './providerArgs';

describe('hearth provider arguments', () => {
  it('parses add, ls, rm and test', () => {
    expect(parseArgs(['provider', 'add', 'gpu-box', 'http://10.0.0.5:8000/v1', '--key-env', 'GPU_KEY'])).toEqual({
      name: 'provider',
      options: { action: 'add', name: 'gpu-box', baseUrl: 'http://10.0.0.5:8000/v1', keyEnv: 'GPU_KEY', keyStdin: false },
    });
    expect(parseProviderArgs(['add', 'a', 'https://example.test', '--key-stdin', '--data-dir', '/d'])).toEqual({ action: 'add', name: 'a', baseUrl: 'https://example.test', keyStdin: true, dataDir: '/d' });
    expect(parseProviderArgs(['ls', '--json'])).toEqual({ action: 'ls', json: true });
    expect(parseProviderArgs(['rm', 'a'])).toEqual({ action: 'rm', name: 'a' });
    expect(parseProviderArgs(['test', 'a'])).toEqual({ action: 'test', name: 'a', json: false });
  });

  it('refuses what it cannot use, saying why', () => {
    expect(() => parseProviderArgs([])).toThrow(/takes add, ls, rm or test/);
    expect(() => parseProviderArgs(['add', 'Bad_Name', 'http://x.test'])).toThrow(/provider name "Bad_Name"/);
    expect(() => parseProviderArgs(['add', 'a', 'http://user:pw@x.test'])).toThrow(/without a user name, password/);
    expect(() => parseProviderArgs(['add', 'a', 'http://x.test', '--key', 'secret'])).toThrow(/does not take "--key"/);
    expect(() => parseProviderArgs(['add', 'a', 'http://x.test', '--key-env', 'K', '--key-stdin'])).toThrow(/not both/);
    expect(() => parseProviderArgs(['rm'])).toThrow(/takes the provider name/);
  });
});

describe('hearth provider', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hearth-provider-cli-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('add with --key-stdin keeps the key in the key file only; a server that is off is added, exit 1; ls, test and rm', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const providers = await ProviderService.open({ dataDir: dir, secrets: new FileSecretStore(dir), logger: silentLogger, timeouts: { headersMs: 5_000, idleMs: 5_000, probeMs: 5_000, retries: 0, retryDelayMs: 10 } });
    let out = '';
    const deps = { providers, say: (text: string) => void (out += text), err: (text: string) => void (out += text), readKey: async () => 'stdin-key-123\n' };
    expect(await providerCommand({ action: 'add', name: 'box', baseUrl: `http://127.0.0.1:${port}`, keyStdin: true }, deps)).toBe(1);
    expect(out).toContain(`Added provider box (http://127.0.0.1:${port}).`);
    expect(out).toMatch(/box: DOWN, not recognised yet, key stored\n {2}Provider 'box' .* is unreachable/);
    expect(await readFile(join(dir, 'providers.json'), 'utf8')).not.toContain('stdin-key-123');
    const keyFile = join(dir, 'secrets', 'provider-keys.json');
    expect(await readFile(keyFile, 'utf8')).toContain('stdin-key-123');
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
    out = '';
    expect(await providerCommand({ action: 'ls', json: false }, deps)).toBe(0);
    expect(out).toContain(`url: http://127.0.0.1:${port}`);
    expect(out).not.toContain('stdin-key-123');
    expect(await providerCommand({ action: 'test', name: 'box', json: false }, deps)).toBe(1);
    out = '';
    expect(await providerCommand({ action: 'rm', name: 'box' }, deps)).toBe(0);
    expect(out).toBe('Removed provider box and its stored key.\n');
    expect(await readFile(keyFile, 'utf8')).not.toContain('stdin-key-123');
    expect(await providerCommand({ action: 'rm', name: 'box' }, deps)).toBe(1);
  });
});
