import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../cli/args';
import { resolveStartupConfig } from '../../startupConfig';

// `hearth serve --api-port N`: flags and HEARTH_API_* variables become the one start-up configuration.
describe('API server start-up options', () => {
  it('is off unless a port is given; flags win over variables; host defaults to loopback', () => {
    const serve = (argv: string[]) => {
      const command = parseArgs(['serve', ...argv]);
      if (command.name !== 'serve') throw new Error('not serve');
      return command.options;
    };
    expect(resolveStartupConfig(serve([]), {}).api).toBeUndefined();
    expect(resolveStartupConfig(serve(['--api-port', '1234']), {}).api).toEqual({ port: 1234, host: '127.0.0.1' });
    expect(resolveStartupConfig(serve([]), { HEARTH_API_PORT: '4321', HEARTH_API_KEY: 'from-the-env' }).api).toEqual({ port: 4321, host: '127.0.0.1', apiKey: 'from-the-env' });
    const flags = serve(['--api-port', '0', '--api-host', '0.0.0.0', '--api-key', 'sk-long-enough', '--api-idle-ttl', '5']);
    expect(resolveStartupConfig(flags, { HEARTH_API_PORT: '4321', HEARTH_API_KEY: 'from-the-env' }).api).toEqual({ port: 0, host: '0.0.0.0', apiKey: 'sk-long-enough', idleUnloadMinutes: 5 });
  });

  it('takes CORS origins from --api-cors-origin, repeated or comma-separated, and refuses what is not an origin', () => {
    const command = parseArgs(['serve', '--api-port', '0', '--api-cors-origin', 'http://localhost:3000', '--api-cors-origin=https://app.example,http://127.0.0.1:5173']);
    if (command.name !== 'serve') throw new Error('not serve');
    expect(resolveStartupConfig(command.options, {}).api).toEqual({
      port: 0,
      host: '127.0.0.1',
      corsOrigins: ['http://localhost:3000', 'https://app.example', 'http://127.0.0.1:5173'],
    });
    expect(() => parseArgs(['serve', '--api-cors-origin', 'http://localhost:3000/path'])).toThrow(/--api-cors-origin "http:\/\/localhost:3000\/path" must be an origin/);
    // Other options given twice: the last one wins, as before.
    const twice = parseArgs(['serve', '--api-port', '1', '--api-port', '2']);
    expect(twice.name === 'serve' && twice.options.apiPort).toBe(2);
  });

  it('refuses bad values with the reason', () => {
    expect(() => parseArgs(['serve', '--api-port', '70000'])).toThrow(/--api-port must be a whole number/);
    expect(() => parseArgs(['ls', '--api-port', '1234'])).toThrow(/Unknown option "--api-port"/);
    expect(() => resolveStartupConfig({}, { HEARTH_API_PORT: 'abc' })).toThrow(/HEARTH_API_PORT/);
    expect(() => resolveStartupConfig({ apiPort: 1234, apiKey: 'short' }, {})).toThrow(/at least 8 characters/);
  });
});
