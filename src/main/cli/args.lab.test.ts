import { describe, expect, it } from 'vitest';
import { parseArgs } from './args';

describe('hearth lab arguments', () => {
  it('takes two or more models and the lab options', () => {
    expect(parseArgs(['lab', 'a.gguf', 'b.gguf', '--text', 't.txt', '--context', '256', '--chunks', '3', '--base', 'a.gguf', '--logits', 'x.logits', '--json'])).toEqual({
      name: 'lab',
      options: { models: ['a.gguf', 'b.gguf'], textFile: 't.txt', contextSize: 256, chunks: 3, base: 'a.gguf', logitsFile: 'x.logits', json: true },
    });
  });

  it('refuses one model, a bad context and unknown options', () => {
    expect(() => parseArgs(['lab', 'a.gguf'])).toThrow(/two or more models/);
    expect(() => parseArgs(['lab', 'a.gguf', 'b.gguf', '--context', '32'])).toThrow(/--context must be a whole number from 64 to 8192/);
    expect(() => parseArgs(['lab', 'a.gguf', 'b.gguf', '--quant', 'Q4'])).toThrow(/Unknown option "--quant"/);
  });
});
