import { describe, expect, it } from 'vitest';
import { DEFAULT_PORT, parseArgs } from './args';
import { USAGE } from './usage';

describe('parseArgs', () => {
  it('parses serve flags in both --k v and --k=v forms', () => {
    expect(parseArgs(['serve', '--port', '0', '--host=0.0.0.0', '--threads', '2', '--data-dir', '/d', '--models-dir=/m'])).toEqual({
      name: 'serve',
      options: { host: '0.0.0.0', port: 0, threads: 2, dataDir: '/d', modelsDir: '/m' },
    });
  });

  it('defaults to loopback and the default port, leaving the rest to the start-up configuration', () => {
    expect(parseArgs(['serve'])).toEqual({ name: 'serve', options: { host: '127.0.0.1', port: DEFAULT_PORT } });
    expect(parseArgs(['ls', '--models-dir', '/m'])).toEqual({ name: 'ls', options: { modelsDir: '/m' } });
  });

  it('rejects bad input with a reason', () => {
    expect(() => parseArgs(['serve', '--port', '70000'])).toThrow(/--port must be a whole number/);
    expect(() => parseArgs(['serve', '--threads', '0'])).toThrow(/--threads/);
    expect(() => parseArgs(['serve', '--colour', 'red'])).toThrow(/Unknown option "--colour"/);
    expect(() => parseArgs(['serve', '--port'])).toThrow(/needs a value/);
    expect(() => parseArgs(['fly'])).toThrow(/Unknown command "fly"/);
  });

  it('parses hardware: --json switch, --context in tokens, folders', () => {
    expect(parseArgs(['hardware'])).toEqual({ name: 'hardware', options: { json: false } });
    expect(parseArgs(['hardware', '--json', '--context', '4096', '--models-dir=/m', '--data-dir', '/d'])).toEqual({
      name: 'hardware',
      options: { json: true, contextSize: 4096, modelsDir: '/m', dataDir: '/d' },
    });
    expect(parseArgs(['hardware', '--context=256']).name).toBe('hardware');
    expect(parseArgs(['hardware', '--context', '1048576'])).toEqual({ name: 'hardware', options: { json: false, contextSize: 1_048_576 } });
  });

  it('rejects bad hardware input with a reason', () => {
    expect(() => parseArgs(['hardware', '--context', '255'])).toThrow(/--context must be a whole number from 256 to 1048576, got "255"/);
    expect(() => parseArgs(['hardware', '--context', '1048577'])).toThrow(/--context must be a whole number/);
    expect(() => parseArgs(['hardware', '--context', '8k'])).toThrow(/--context must be a whole number/);
    expect(() => parseArgs(['hardware', '--context'])).toThrow(/needs a value/);
    expect(() => parseArgs(['hardware', '--json=yes'])).toThrow(/"--json" takes no value/);
    expect(() => parseArgs(['hardware', '--port', '1'])).toThrow(/Unknown option "--port"/);
    expect(() => parseArgs(['serve', '--json'])).toThrow(/Unknown option "--json"/);
    expect(() => parseArgs(['hardware', 'extra'])).toThrow(/Unexpected argument "extra"/);
  });

  it('documents hardware in the usage text', () => {
    expect(USAGE).toMatch(/^ {2}hardware {2}/m);
    expect(USAGE).toContain('--json');
    expect(USAGE).toContain('--context N');
  });

  it('passes --memory-limit through to the start-up configuration', () => {
    expect(parseArgs(['serve', '--memory-limit', '8GB'])).toMatchObject({ name: 'serve', options: { memoryLimit: '8GB' } });
    expect(parseArgs(['hardware', '--memory-limit=2GiB'])).toMatchObject({ name: 'hardware', options: { memoryLimit: '2GiB' } });
  });
});
