import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { launchTargetsFromArgv, parseDeepLink, routeFor } from './launchTargets';

describe('parseDeepLink', () => {
  it('opens a model link on its repo page', () => {
    const target = parseDeepLink('hearth://model/Qwen/Qwen2.5-0.5B-Instruct-GGUF');
    expect(target).toEqual({ kind: 'repo', repo: 'Qwen/Qwen2.5-0.5B-Instruct-GGUF' });
    expect(routeFor(target!)).toBe('#/discover/Qwen/Qwen2.5-0.5B-Instruct-GGUF');
    expect(parseDeepLink('hearth://model/bartowski/SmolLM2-135M-Instruct-GGUF/')).toEqual({ kind: 'repo', repo: 'bartowski/SmolLM2-135M-Instruct-GGUF' });
  });

  it.each([
    ['another scheme', 'https://model/owner/repo'],
    ['another host', 'hearth://settings/owner/repo'],
    ['no repo', 'hearth://model/owner'],
    ['too deep', 'hearth://model/owner/repo/file.gguf'],
    ['a query', 'hearth://model/owner/repo?x=1'],
    ['a fragment', 'hearth://model/owner/repo#/server'],
    ['dots', 'hearth://model/../repo'],
    ['encoded slash and script', 'hearth://model/owner/%2F..%2Fjavascript:alert(1)'],
    ['credentials', 'hearth://user:pw@model/owner/repo'],
    ['not a URL', 'hearth:'],
  ])('refuses %s', (_what, url) => {
    expect(parseDeepLink(url)).toBeNull();
  });
});

describe('launchTargetsFromArgv', () => {
  const cwd = resolve('/home/me/Downloads');

  it('finds links and .gguf paths among the arguments Electron and Chromium add', () => {
    const argv = [
      '/opt/Hearth/hearth',
      '--allow-file-access-from-files',
      '--original-process-start-time=13370000000000000',
      'hearth://model/owner/repo',
      'model.Q4_K_M.GGUF',
      join(cwd, 'other', 'big.gguf'),
      'notes.txt',
      '--flag.gguf',
    ];
    expect(launchTargetsFromArgv(argv, cwd)).toEqual([
      { kind: 'repo', repo: 'owner/repo' },
      { kind: 'import', path: join(cwd, 'model.Q4_K_M.GGUF') },
      { kind: 'import', path: join(cwd, 'other', 'big.gguf') },
    ]);
    expect(routeFor({ kind: 'import', path: join(cwd, 'a.gguf') })).toBe('#/models');
  });

  it('skips the executable itself and bad links, and finds nothing in a plain start', () => {
    expect(launchTargetsFromArgv(['/opt/Hearth/hearth.gguf'], cwd)).toEqual([]);
    expect(launchTargetsFromArgv(['electron', '.', 'hearth://model/nope'], cwd)).toEqual([]);
    expect(launchTargetsFromArgv(['/opt/Hearth/hearth'], cwd)).toEqual([]);
  });
});
