import { describe, expect, it } from 'vitest';
import { DEFAULT_PORT, parseArgs } from './args';

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
});
