import { describe, expect, it } from 'vitest';
import { parseArgs } from './args';

describe('hearth bench arguments', () => {
  it('takes one model and the test sizes', () => {
    expect(parseArgs(['bench', 'owner/repo/m.gguf'])).toEqual({ name: 'bench', options: { model: 'owner/repo/m.gguf', json: false } });
    expect(parseArgs(['bench', 'm', '--threads', '1,2,2,4', '--prompt', '64', '--gen=16', '--repetitions', '3', '--json', '--data-dir', 'd', '--models-dir', 'x'])).toEqual({
      name: 'bench',
      options: { model: 'm', threads: [1, 2, 4], promptTokens: 64, genTokens: 16, repetitions: 3, json: true, dataDir: 'd', modelsDir: 'x' },
    });
  });

  it('refuses no model, two models and bad numbers', () => {
    expect(() => parseArgs(['bench'])).toThrow(/takes one model/);
    expect(() => parseArgs(['bench', 'a', 'b'])).toThrow(/takes one model/);
    expect(() => parseArgs(['bench', 'a', '--threads', '1,x'])).toThrow(/--threads must be a whole number/);
    expect(() => parseArgs(['bench', 'a', '--repetitions', '11'])).toThrow(/--repetitions must be a whole number from 1 to 10/);
  });
});
