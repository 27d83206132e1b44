import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors';
import { parseArgs } from './args';
import { engineCommand, parseEngineArgs } from './engine';
import { USAGE } from './usage';

describe('hearth engine', () => {
  it('parses build, and refuses anything else with the usage', () => {
    expect(parseArgs(['engine', 'build'])).toEqual({ name: 'engine', options: { action: 'build' } });
    expect(() => parseEngineArgs([])).toThrow(/hearth engine takes build\./);
    expect(() => parseEngineArgs(['rebuild'])).toThrow(/takes build, not "rebuild"[\s\S]*hearth engine build/);
    expect(() => parseEngineArgs(['build', '--fast'])).toThrow(/takes no arguments, got: --fast/);
    expect(USAGE).toContain('hearth engine build');
  });

  it('says how long the build took and how to undo it; a failed build exits 1 with the reason', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const deps = { say: (text: string) => out.push(text), err: (text: string) => err.push(text) };
    expect(await engineCommand({ action: 'build' }, { ...deps, build: async () => ({ seconds: 371.6 }) })).toBe(0);
    expect(out.join('')).toMatch(/Built in 372 s\. Engines started from now on load it/);
    expect(out.join('')).toContain('npx node-llama-cpp source clear');
    expect(err).toEqual([]);

    out.length = 0;
    const failing = async (): Promise<never> => {
      throw new AppError('BAD_REQUEST', 'Building llama.cpp needs cmake (not found).');
    };
    expect(await engineCommand({ action: 'build' }, { ...deps, build: failing })).toBe(1);
    expect(err.join('')).toBe('Building llama.cpp needs cmake (not found).\n');
    expect(out.join('')).not.toContain('Built in');
  });
});
