import { describe, expect, it } from 'vitest';
import { resolveStartupConfig } from './startupConfig';

describe('resolveStartupConfig', () => {
  it('takes dirs, threads, GPU and log level from the environment', () => {
    const config = resolveStartupConfig(
      {},
      { HEARTH_DATA_DIR: '/env/d', HEARTH_MODELS_DIR: '/env/m', HEARTH_THREADS: '3', HEARTH_GPU: 'off', HEARTH_LOG_LEVEL: 'debug' },
      { cores: 2 },
    );
    expect(config).toEqual({ dataDir: '/env/d', modelsDir: '/env/m', threads: 3, gpu: false, maxThreads: 3, logLevel: 'debug', hub: { endpoint: 'https://huggingface.co' } });
  });

  it('lets flags win over the environment, and a host default (Electron userData) fill the gap', () => {
    const config = resolveStartupConfig({ threads: 1, modelsDir: '/flag/m' }, { HEARTH_THREADS: '4', HEARTH_MODELS_DIR: '/env/m' }, { dataDir: '/userData', cores: 8 });
    expect(config).toMatchObject({ threads: 1, modelsDir: '/flag/m', dataDir: '/userData', gpu: 'auto', maxThreads: 8 });
  });

  it('caps resident models from --max-models, else HEARTH_MAX_MODELS, and refuses nonsense', () => {
    expect(resolveStartupConfig({}, {}).maxModels).toBeUndefined();
    expect(resolveStartupConfig({}, { HEARTH_MAX_MODELS: '3' }).maxModels).toBe(3);
    expect(resolveStartupConfig({ maxModels: 1 }, { HEARTH_MAX_MODELS: '3' }).maxModels).toBe(1);
    expect(() => resolveStartupConfig({}, { HEARTH_MAX_MODELS: 'many' })).toThrow(/HEARTH_MAX_MODELS must be a whole number/);
  });

  it('defaults threads to every physical core, as llama.cpp does', () => {
    expect(resolveStartupConfig({}, {}, { cores: 1 }).threads).toBe(1);
    expect(resolveStartupConfig({}, {}, { cores: 2 }).threads).toBe(2);
    expect(resolveStartupConfig({}, {}, { cores: 32 }).threads).toBe(32);
  });

  it('takes the Hub mirror and token from HF_ENDPOINT and HF_TOKEN, else $HF_HOME/token, and refuses a non-http endpoint', async () => {
    const { mkdtemp, writeFile, rm } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    expect(resolveStartupConfig({}, { HF_ENDPOINT: 'http://127.0.0.1:9999/', HF_TOKEN: ' hf_x ' }).hub).toEqual({ endpoint: 'http://127.0.0.1:9999', token: 'hf_x' });
    const hfHome = await mkdtemp(join(tmpdir(), 'hearth-hf-'));
    try {
      await writeFile(join(hfHome, 'token'), 'hf_from_file\n');
      expect(resolveStartupConfig({}, { HF_HOME: hfHome }).hub).toEqual({ endpoint: 'https://huggingface.co', token: 'hf_from_file' });
    } finally {
      await rm(hfHome, { recursive: true, force: true });
    }
    expect(() => resolveStartupConfig({}, { HF_ENDPOINT: 'ftp://mirror' })).toThrow(/HF_ENDPOINT must be an http\(s\) URL/);
  });

  it('refuses a bad HEARTH_THREADS with the variable named', () => {
    expect(() => resolveStartupConfig({}, { HEARTH_THREADS: 'many' })).toThrow(/HEARTH_THREADS must be a whole number/);
  });

  it('reads a memory limit as a size, and refuses one it cannot read', () => {
    expect(resolveStartupConfig({}, { HEARTH_MEMORY_LIMIT: '8GB' }).memoryLimitBytes).toBe(8e9);
    expect(resolveStartupConfig({ memoryLimit: '1.5GiB' }, { HEARTH_MEMORY_LIMIT: '8GB' }).memoryLimitBytes).toBe(1.5 * 2 ** 30);
    expect(resolveStartupConfig({}, {}).memoryLimitBytes).toBeUndefined();
    expect(() => resolveStartupConfig({}, { HEARTH_MEMORY_LIMIT: 'lots' })).toThrow(/HEARTH_MEMORY_LIMIT must be a size/);
    expect(() => resolveStartupConfig({ memoryLimit: '10MB' }, {})).toThrow(/--memory-limit must be a size of at least 64MB/);
  });
});
