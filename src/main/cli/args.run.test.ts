import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors';
import { resolveApiClient } from '../startupConfig';
import { parseArgs } from './args';

describe('hearth run arguments', () => {
  it('takes the model, joins the remaining words into the prompt, and reads its options', () => {
    expect(parseArgs(['run', 'owner/repo', 'why', 'is', 'the', 'sky', 'blue?'])).toEqual({ name: 'run', options: { model: 'owner/repo', prompt: 'why is the sky blue?' } });
    expect(parseArgs(['run', 'm.gguf', '--max-tokens', '20', '--temperature=0', 'hi', '--context', '1024', '--threads', '2', '--models-dir', '/m', '--data-dir', '/d'])).toEqual({
      name: 'run',
      options: { model: 'm.gguf', prompt: 'hi', maxTokens: 20, temperature: 0, contextSize: 1024, threads: 2, modelsDir: '/m', dataDir: '/d' },
    });
    expect(parseArgs(['run', 'm'])).toEqual({ name: 'run', options: { model: 'm' } });
  });

  it('refuses a missing model and bad values with BAD_REQUEST (exit 2)', () => {
    const refused = (argv: string[]) => {
      try {
        parseArgs(argv);
      } catch (error) {
        expect(error).toBeInstanceOf(AppError);
        expect((error as AppError).code).toBe('BAD_REQUEST');
        return (error as AppError).message;
      }
      throw new Error(`accepted ${argv.join(' ')}`);
    };
    expect(refused(['run'])).toContain('needs a model');
    expect(refused(['run', 'm', '--temperature', '3'])).toContain('--temperature must be a number from 0 to 2');
    expect(refused(['run', 'm', '--max-tokens', '0'])).toContain('--max-tokens must be a whole number');
    expect(refused(['run', 'm', '--yes'])).toContain('Unknown option "--yes"');
    expect(refused(['ps', 'extra'])).toContain('Unexpected argument');
    expect(refused(['ps', '--api-port', '0'])).toContain('--api-port must be a whole number from 1');
  });
});

describe('hearth ps arguments', () => {
  it('reads port, host, key and --json; flags win over HEARTH_API_PORT and HEARTH_API_KEY', () => {
    expect(parseArgs(['ps'])).toEqual({ name: 'ps', options: { json: false } });
    const command = parseArgs(['ps', '--api-port', '4321', '--api-key', 'k', '--json']);
    expect(command).toEqual({ name: 'ps', options: { apiPort: 4321, apiKey: 'k', json: true } });
    expect(resolveApiClient({}, {})).toEqual({ origin: 'http://127.0.0.1:1234' });
    expect(resolveApiClient({}, { HEARTH_API_PORT: '5555', HEARTH_API_KEY: 'secret-key' })).toEqual({ origin: 'http://127.0.0.1:5555', apiKey: 'secret-key' });
    expect(resolveApiClient({ apiPort: 4321, apiHost: '::1', apiKey: 'k' }, { HEARTH_API_PORT: '5555', HEARTH_API_KEY: 'x' })).toEqual({ origin: 'http://[::1]:4321', apiKey: 'k' });
  });
});
