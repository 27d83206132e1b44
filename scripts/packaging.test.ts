import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Configuration } from 'electron-builder';

// The installers cannot be built here (electron-builder downloads Electron and its packaging
// tools), so this checks what electron-builder itself resolves from electron-builder.yml: the
// configuration it loads and validates against its schema, and — through its own file matchers,
// the ones it packs with — which paths go into the app, which stay outside the asar archive, and
// which node-llama-cpp binaries each target ships.

const root = fileURLToPath(new URL('..', import.meta.url));
const builderRequire = createRequire(createRequire(import.meta.url).resolve('electron-builder/package.json'));
const appBuilderRequire = createRequire(builderRequire.resolve('app-builder-lib/package.json'));

interface Stat {
  isDirectory(): boolean;
  /** Set by electron-builder for files of a dependency: their path below the app folder. */
  moduleFullFilePath?: string;
}
type Filter = (file: string, stat: Stat) => boolean;
interface FileMatcher {
  patterns: string[];
  createFilter(): Filter;
}
const { getConfig, validateConfiguration } = appBuilderRequire('./out/util/config/config') as {
  getConfig(projectDir: string, configPath: string | null, configFromOptions: null): Promise<Configuration>;
  validateConfiguration(config: Configuration, debugLogger: { isEnabled: boolean }): Promise<void>;
};
const { getMainFileMatchers, getNodeModuleFileMatcher, getFileMatchers } = appBuilderRequire('./out/fileMatcher') as {
  getMainFileMatchers(appDir: string, destination: string, expand: (p: string) => string, options: object, packager: object, outDir: string, isElectronCompile: boolean): FileMatcher[];
  getNodeModuleFileMatcher(appDir: string, destination: string, expand: (p: string) => string, options: object, packager: object): FileMatcher;
  getFileMatchers(config: Configuration, name: 'asarUnpack', destination: string, options: object): FileMatcher[] | null;
};
const { expandMacro } = appBuilderRequire('./out/util/macroExpander') as {
  expandMacro(pattern: string, arch: string | null, appInfo: object, extra: Record<string, string>): string;
};

/** electron-builder's `${os}` for each target platform. */
type Os = 'linux' | 'mac' | 'win';
const platformKey = { linux: 'linux', mac: 'mac', win: 'win' } as const;

let config: Configuration;
beforeAll(async () => {
  config = await getConfig(root, null, null);
});

/** What electron-builder decides for one target (`os`, `arch`), with the matchers it packs with. */
function target(os: Os, arch: 'x64' | 'arm64') {
  const appInfo = { productName: 'Hearth', sanitizedProductName: 'Hearth', version: '0.1.0', name: 'hearth' };
  const expand = (pattern: string) => expandMacro(pattern, arch, appInfo, { os, '/*': '{,/**/*}' });
  const platformOptions = config[platformKey[os]] ?? {};
  const packager = { projectDir: root, buildResourcesDir: resolve(root, 'resources'), isPrepackedAppAsar: false, config, debugLogger: { isEnabled: false } };
  const destination = '/dest/app';
  const [main] = getMainFileMatchers(root, destination, expand, platformOptions, { info: packager }, resolve(root, 'release'), false);
  const mainFilter = main!.createFilter();
  const moduleFilter = getNodeModuleFileMatcher(root, destination, expand, platformOptions, packager).createFilter();
  const unpack = getFileMatchers(config, 'asarUnpack', destination, { macroExpander: expand, customBuildOptions: platformOptions, globalOutDir: resolve(root, 'release'), defaultSrc: root });
  const unpackFilter = unpack?.[0]?.createFilter();
  const file = (moduleFullFilePath?: string): Stat => ({ isDirectory: () => false, ...(moduleFullFilePath ? { moduleFullFilePath } : {}) });
  return {
    /** A file of the project itself (not a dependency), by its path below the project. */
    packsAppFile: (path: string) => mainFilter(join(root, path), file()),
    /** A file of a production dependency, by its path below the project (`node_modules/…`). */
    packsModuleFile: (path: string) => moduleFilter(join(root, path), file(path)),
    unpacks: (path: string) => unpackFilter?.(join(root, path), file(path.startsWith('node_modules/') ? path : undefined)) ?? false,
  };
}

/** One binary of every @node-llama-cpp package node-llama-cpp can install. */
function llamaBinaries(): string[] {
  const manifest = JSON.parse(readFileSync(join(root, 'node_modules/node-llama-cpp/package.json'), 'utf8')) as { optionalDependencies: Record<string, string> };
  return Object.keys(manifest.optionalDependencies).map((name) => `node_modules/${name}/bins/${name.split('/')[1]}/llama-addon.node`);
}

describe('electron-builder configuration (resolved by electron-builder)', () => {
  it('passes electron-builder\'s own schema validation', async () => {
    await expect(validateConfiguration(config, { isEnabled: false })).resolves.toBeUndefined();
  });

  it('names the app, its icons, the hearth:// protocol and the .gguf association', () => {
    expect(config).toMatchObject({ appId: 'app.hearth.desktop', productName: 'Hearth', directories: { buildResources: 'resources', output: 'release' } });
    expect(config.protocols).toEqual([expect.objectContaining({ schemes: ['hearth'] })]);
    expect(config.fileAssociations).toEqual([expect.objectContaining({ ext: 'gguf', name: 'GGUF model', mimeType: 'application/x-gguf' })]);
    // Prebuilt Node-API binaries: no native rebuild (it would need compilers and downloads).
    expect(config.npmRebuild).toBe(false);
  });

  it('lists the installers: AppImage and deb, dmg for arm64 and x64, nsis', () => {
    const targets = (key: 'linux' | 'mac' | 'win') => (config[key]?.target as Array<{ target: string; arch: string[] }>).map((t) => `${t.target}:${t.arch.join('+')}`);
    expect(targets('linux')).toEqual(['AppImage:x64+arm64', 'deb:x64+arm64']);
    expect(targets('mac')).toEqual(['dmg:arm64+x64']);
    expect(targets('win')).toEqual(['nsis:x64']);
  });

  it('packs the build output and package.json, never sources, tests, fixtures, benchmarks or e2e specs', () => {
    const linux = target('linux', 'x64');
    for (const path of ['package.json', 'out/main/index.js', 'out/main/engineWorker.js', 'out/preload/index.cjs', 'out/renderer/index.html']) {
      expect(linux.packsAppFile(path), path).toBe(true);
    }
    for (const path of [
      'src/main/index.ts',
      'src/main/core/library/modelImport.test.ts',
      'src/main/fixtures/gguf/generateModel.ts',
      'src/main/testing/hub/hubFixtureServer.ts',
      'e2e/chat.spec.ts',
      'bench/run.ts',
      'bench/results/run.json',
      'scripts/test.mjs',
      'test-results/vitest.json',
      'node_modules/.cache/hearth-fixtures/tiny-q4_0.gguf',
      'resources/icon.png',
      'release/linux-unpacked/hearth',
      'out/main/index.js.map',
      'electron-builder.yml',
      'README.md',
    ]) {
      expect(linux.packsAppFile(path), path).toBe(false);
    }
    // The engine's native threadpool helper ships unpacked: native code cannot load from the asar.
    expect(linux.packsAppFile('out/native/ggml-threadpool.node')).toBe(true);
    expect(linux.unpacks('out/native/ggml-threadpool.node')).toBe(true);
    expect(linux.unpacks('out/main/engineWorker.js')).toBe(false);
    expect(linux.packsModuleFile('node_modules/zod/package.json')).toBe(true);
    expect(linux.packsModuleFile('node_modules/some-package/test/fixtures/data.json')).toBe(false);
  });

  it.each([
    ['linux', 'x64', ['linux-x64', 'linux-x64-cuda', 'linux-x64-cuda-ext', 'linux-x64-vulkan']],
    ['linux', 'arm64', ['linux-arm64']],
    ['mac', 'arm64', ['mac-arm64-metal']],
    ['mac', 'x64', ['mac-x64']],
    ['win', 'x64', ['win-x64', 'win-x64-cuda', 'win-x64-cuda-ext', 'win-x64-vulkan']],
  ] as const)('ships only the %s-%s node-llama-cpp binaries (every GPU variant of them)', (os, arch, expected) => {
    const build = target(os, arch);
    const shipped = llamaBinaries().filter((path) => build.packsModuleFile(path)).map((path) => path.split('/')[2]);
    expect(shipped.sort()).toEqual([...expected].sort());
    expect(build.packsModuleFile('node_modules/node-llama-cpp/dist/index.js')).toBe(true);
    // llama.cpp's source bundle is for building from source; the app runs prebuilt binaries only.
    expect(build.packsModuleFile('node_modules/node-llama-cpp/llama/gitRelease.bundle')).toBe(false);
    expect(build.packsModuleFile('node_modules/node-llama-cpp/llama/binariesGithubRelease.json')).toBe(true);
  });

  it('keeps node-llama-cpp and its binaries outside the asar archive, and the app inside it', () => {
    const build = target('linux', 'x64');
    expect(config.asar).toBe(true);
    for (const path of ['node_modules/node-llama-cpp/dist/index.js', 'node_modules/node-llama-cpp/package.json', 'node_modules/@node-llama-cpp/linux-x64/bins/linux-x64/libllama.so']) {
      expect(build.unpacks(path), path).toBe(true);
    }
    for (const path of ['out/main/index.js', 'out/renderer/index.html', 'node_modules/zod/index.js']) {
      expect(build.unpacks(path), path).toBe(false);
    }
  });
});
