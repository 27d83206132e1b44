import { describe, expect, it } from 'vitest';
import { parseArgs } from './args';
import { USAGE } from './usage';

describe('parseArgs: pull', () => {
  it('takes one reference, before or after the flags', () => {
    expect(parseArgs(['pull', 'owner/repo'])).toEqual({ name: 'pull', options: { reference: 'owner/repo', yes: false } });
    expect(parseArgs(['pull', '--quant', 'q8_0', 'https://huggingface.co/owner/repo', '--context=4096', '--yes', '--models-dir', '/m', '--data-dir=/d'])).toEqual({
      name: 'pull',
      options: { reference: 'https://huggingface.co/owner/repo', quant: 'Q8_0', contextSize: 4096, yes: true, modelsDir: '/m', dataDir: '/d' },
    });
  });

  it('rejects a missing or second reference, bad quants and contexts, and foreign flags', () => {
    expect(() => parseArgs(['pull'])).toThrow(/hearth pull needs a model reference/);
    expect(() => parseArgs(['pull', 'a/b', 'c/d'])).toThrow(/takes one model, got 2: a\/b c\/d/);
    expect(() => parseArgs(['pull', 'a/b', '--quant', 'Q4 K'])).toThrow(/--quant must be a quantization name/);
    expect(() => parseArgs(['pull', 'a/b', '--quant'])).toThrow(/needs a value/);
    expect(() => parseArgs(['pull', 'a/b', '--context', '100'])).toThrow(/--context must be a whole number from 256/);
    expect(() => parseArgs(['pull', 'a/b', '--port', '1'])).toThrow(/Unknown option "--port"/);
    expect(() => parseArgs(['pull', 'a/b', '--yes=no'])).toThrow(/takes no value/);
  });
});

describe('parseArgs: rm', () => {
  it('takes one model and --yes', () => {
    expect(parseArgs(['rm', 'owner/repo/m.gguf'])).toEqual({ name: 'rm', options: { model: 'owner/repo/m.gguf', yes: false } });
    expect(parseArgs(['rm', '--yes', 'm.gguf', '--models-dir', '/m'])).toEqual({ name: 'rm', options: { model: 'm.gguf', yes: true, modelsDir: '/m' } });
  });

  it('rejects a missing model and options it does not have', () => {
    expect(() => parseArgs(['rm'])).toThrow(/hearth rm needs the model to delete/);
    expect(() => parseArgs(['rm', 'm.gguf', '--quant', 'Q4_0'])).toThrow(/Unknown option "--quant"/);
    expect(() => parseArgs(['rm', 'a', 'b'])).toThrow(/takes one model/);
  });

  it('is in the usage text with pull', () => {
    expect(USAGE).toMatch(/^ {2}pull {6}Download a model/m);
    expect(USAGE).toMatch(/^ {2}rm {8}Delete a model/m);
    expect(USAGE).toContain('pull options');
  });
});

describe('parseArgs: the other commands still refuse positional arguments', () => {
  it('serve and hardware', () => {
    expect(() => parseArgs(['serve', 'now'])).toThrow(/Unexpected argument "now"/);
    expect(() => parseArgs(['hardware', 'x'])).toThrow(/Unexpected argument "x"/);
  });
});
