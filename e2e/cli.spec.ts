import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import type { InferenceState } from '../src/shared/dto';
import type { HardwareSnapshot, ModelFit } from '../src/shared/hardwareDto';
import { fitLabelText } from '../src/shared/format';
import { damageCases } from '../src/main/fixtures/gguf/damage';
import { defaultFixtureCacheDir, ensureFixtureModel } from '../src/main/fixtures/gguf/generateModel';
import { startHearth } from './support/hearthServer';
import { MODELS, populateE2eModels } from './support/models';
import { RpcClient } from './support/rpcClient';
import { LibraryFolders } from '../src/main/core/library/libraryFolders';
import { LibraryService } from '../src/main/core/library/libraryService';
import { silentLogger } from '../src/main/core/logging/logger';
import { SettingsStore } from '../src/main/core/settings/settingsStore';

const BIN = fileURLToPath(new URL('../bin/hearth.js', import.meta.url));
const hearth = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 30_000 });

test('help and bad arguments', () => {
  const help = hearth('--help');
  expect(help.status).toBe(0);
  expect(help.stdout).toContain('Usage: hearth <command>');
  const bad = hearth('serve', '--port', 'eighty');
  expect(bad.status).toBe(2);
  expect(bad.stdout).toBe('');
  expect(bad.stderr).toContain('--port must be a whole number');
  expect(hearth('fly').stderr).toContain('Unknown command "fly"');
});

test('hearth engine build without the build tools says which are missing and changes nothing', async () => {
  const emptyPath = await mkdtemp(join(tmpdir(), 'hearth-no-tools-'));
  try {
    const run = spawnSync(process.execPath, [BIN, 'engine', 'build'], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, PATH: emptyPath } });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('Building llama.cpp needs cmake, c++, git, npm (not found)');
    expect(run.stderr).toContain('Hearth keeps using the prebuilt binary');
    expect(run.stdout).not.toContain('Built in');
  } finally {
    await rm(emptyPath, { recursive: true, force: true });
  }
});

test('hearth ls lists the models folder, unreadable files with their reason', async () => {
  const modelsDir = await mkdtemp(join(tmpdir(), 'hearth-ls-'));
  try {
    await populateE2eModels(modelsDir);
    const ls = hearth('ls', '--models-dir', modelsDir);
    expect(ls.status).toBe(0);
    expect(ls.stdout).toMatch(new RegExp(`${MODELS.small.id}\\s+Q4_0\\s+7\\d\\.\\d MB\\s+llama 8192 ctx`));
    expect(ls.stdout).toContain(MODELS.tiny.id);
    expect(ls.stdout).toMatch(/garbage\.gguf\s+-\s+\S+ \S+\s+unreadable: \S+/);
  } finally {
    await rm(modelsDir, { recursive: true, force: true });
  }
});

test('hearth ls and rm see the folders added to the library, not only the models folder', async () => {
  const root = await mkdtemp(join(tmpdir(), 'hearth-ls-folders-'));
  const [dataDir, modelsDir, extra] = ['data', 'models', 'lmstudio'].map((name) => join(root, name)) as [string, string, string];
  try {
    await populateE2eModels(extra);
    // Added the way the app adds it (settings in the data folder), from this process.
    const settings = new SettingsStore({ dataDir, logger: silentLogger });
    await new LibraryService(modelsDir, silentLogger, { folders: new LibraryFolders(modelsDir, settings, { homeDir: root, env: {} }) }).addFolder(extra);
    const ls = hearth('ls', '--models-dir', modelsDir, '--data-dir', dataDir);
    expect(ls.status).toBe(0);
    const line = ls.stdout.split('\n').find((text) => text.includes(MODELS.tiny.id.split('/').pop()!));
    expect(line, ls.stdout).toBeDefined();
    const id = line!.split(/\s+/)[0]!;
    expect(id).toMatch(/^[a-z]+-[0-9a-f]{6,}:/);
    expect(hearth('ls', '--models-dir', modelsDir).stdout).not.toContain(id);
    const removed = hearth('rm', id, '--yes', '--models-dir', modelsDir, '--data-dir', dataDir);
    expect(removed.status, removed.stderr).toBe(0);
    expect(hearth('ls', '--models-dir', modelsDir, '--data-dir', dataDir).stdout).not.toContain(id);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('hearth ls lists a folder of damaged GGUF files, one line each, and exits 0', async () => {
  const modelsDir = await mkdtemp(join(tmpdir(), 'hearth-ls-damaged-'));
  try {
    const valid = await readFile(await ensureFixtureModel(defaultFixtureCacheDir(), { preset: 'tiny', type: 'Q4_0' }));
    const names: string[] = [];
    for (const damage of damageCases(valid, { seed: 9, randomFlipCases: 20 })) {
      const name = `${String(names.length).padStart(3, '0')}-${damage.className}.gguf`;
      await writeFile(join(modelsDir, name), damage.bytes);
      names.push(name);
    }
    const ls = hearth('ls', '--models-dir', modelsDir);
    expect(ls.signal).toBeNull();
    expect(ls.status).toBe(0);
    const lines = ls.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(1 + names.length);
    for (const name of names) expect(lines.filter((line) => line.startsWith(`${name} `)), name).toHaveLength(1);
  } finally {
    await rm(modelsDir, { recursive: true, force: true });
  }
});

test('hearth hardware --json: this machine as one JSON object, and the fit of every readable model', async () => {
  const modelsDir = await mkdtemp(join(tmpdir(), 'hearth-hw-models-'));
  const dataDir = await mkdtemp(join(tmpdir(), 'hearth-hw-data-'));
  // The engine process starts to ask llama.cpp what it sees: give it more than the default 30 s.
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [BIN, 'hardware', '--models-dir', modelsDir, '--data-dir', dataDir, ...args], { encoding: 'utf8', timeout: 90_000 });
  try {
    await populateE2eModels(modelsDir);
    const json = run('--json', '--context', '2048');
    expect(json.stderr).toBe('');
    expect(json.status).toBe(0);
    const report = JSON.parse(json.stdout) as { hardware: HardwareSnapshot; models: ModelFit[] };
    const { cpu, ram, llama } = report.hardware;
    expect(cpu.logicalCores).toBeGreaterThanOrEqual(1);
    expect(cpu.model.length).toBeGreaterThan(0);
    expect(ram.totalBytes).toBeGreaterThan(1e9);
    expect(ram.freeBytes).toBeLessThanOrEqual(ram.totalBytes);
    expect(llama).not.toBeNull();
    expect(['cuda', 'vulkan', 'metal', 'cpu']).toContain(llama!.backend);
    expect(['prebuilt', 'built here']).toContain(llama!.binary);
    expect(report.hardware.errors).toEqual([]);
    expect(Array.isArray(report.models)).toBe(true);
    // The two fixture models, not the garbage file (unreadable files are not estimated).
    expect(report.models.map((m) => m.modelId).sort()).toEqual([MODELS.small.id, MODELS.tiny.id].sort());
    for (const fit of report.models) {
      expect(fit.estimate, fit.error).not.toBeNull();
      expect(Object.keys(fitLabelText)).toContain(fit.estimate!.label);
      expect(fit.estimate!.contextSize).toBeLessThanOrEqual(2048);
    }

    const text = run();
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/^CPU +\S/m);
    expect(text.stdout).toMatch(/^RAM +\d+\.\d [KMGT]B free of \d+\.\d [KMGT]B$/m);
    expect(text.stdout).toMatch(llama!.binary === 'prebuilt' ? /^llama\.cpp .*, prebuilt binary$/m : /^llama\.cpp .*, binary built on this machine/m);
    const tinyLine = text.stdout.split('\n').find((line) => line.startsWith(`${MODELS.tiny.id} `));
    expect(Object.values(fitLabelText).some((label) => tinyLine?.includes(label))).toBe(true);
  } finally {
    await rm(modelsDir, { recursive: true, force: true });
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('serve prints exactly one ready line and shuts down cleanly on SIGINT, engine included', async () => {
  const server = await startHearth({ populate: populateE2eModels });
  const rpc = await RpcClient.connect(server.origin, server.token);
  await rpc.call('inference.loadModel', { modelId: MODELS.tiny.id });
  const { engine } = await rpc.call<InferenceState>('inference.getState');
  rpc.close();
  const exited = new Promise<number | null>((resolve) => server.process.once('exit', (code) => resolve(code)));
  server.process.kill('SIGINT');
  expect(await exited).toBe(0);
  expect(server.stdoutLines()).toEqual([`Hearth ready at ${server.url}`]);
  expect(() => process.kill(engine.pid!, 0)).toThrow(); // the engine process is gone too
  await server.stop();
});
