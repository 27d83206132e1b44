import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binaryKind, buildLlamaForThisMachine, LLAMA_CMAKE_OPTIONS, llamaBinaryOptions, missingBuildTools } from './llamaBinary';

describe('llamaBinary', () => {
  let empty: string;
  let tools: string;
  beforeAll(async () => {
    empty = await mkdtemp(join(tmpdir(), 'hearth-path-empty-'));
    tools = await mkdtemp(join(tmpdir(), 'hearth-path-tools-'));
    for (const tool of ['cmake', 'c++', 'git']) {
      await writeFile(join(tools, tool), '#!/bin/sh\necho "fake 1.0"\n');
      await chmod(join(tools, tool), 0o755);
    }
  });
  afterAll(async () => {
    await rm(empty, { recursive: true, force: true });
    await rm(tools, { recursive: true, force: true });
  });

  it('every engine loads with the options the build compiles with, never building or downloading', () => {
    expect(llamaBinaryOptions(false)).toEqual({ gpu: false, build: 'never', skipDownload: true, cmakeOptions: LLAMA_CMAKE_OPTIONS });
    expect(llamaBinaryOptions('auto').gpu).toBe('auto');
    // A copy: node-llama-cpp may not change the declared options.
    expect(llamaBinaryOptions(false).cmakeOptions).not.toBe(LLAMA_CMAKE_OPTIONS);
    expect(binaryKind('localBuild')).toBe('built here');
    expect(binaryKind('prebuilt')).toBe('prebuilt');
  });

  it.skipIf(process.platform === 'win32')('names the build tools PATH lacks', async () => {
    expect(await missingBuildTools({ PATH: empty })).toEqual(['cmake', 'c++', 'git', 'npm']);
    expect(await missingBuildTools({ PATH: tools })).toEqual(['npm']);
  });

  it.skipIf(process.platform === 'win32')('refuses to build without the tools, saying which and that the prebuilt binary stays', async () => {
    await expect(buildLlamaForThisMachine({ PATH: tools })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/needs npm \(not found\).*keeps using the prebuilt binary/),
    });
  });
});
