import { describe, expect, it } from 'vitest';
import { groupGgufFiles } from './grouping';
import { quantFromFileName, splitPartOf } from './quant';

describe('quantFromFileName', () => {
  const cases: Array<[string, string | undefined]> = [
    ['Llama-3.1-8B-Instruct-Q4_K_M.gguf', 'Q4_K_M'],
    ['model.q5_k_s.gguf', 'Q5_K_S'],
    ['Qwen2.5-7B-IQ2_XXS.gguf', 'IQ2_XXS'],
    ['Qwen2.5-7B-IQ4_NL.gguf', 'IQ4_NL'],
    ['gemma-UD-Q4_K_XL.gguf', 'Q4_K_XL'],
    ['phi-Q4_0_4_4.gguf', 'Q4_0_4_4'],
    ['model-bf16.gguf', 'BF16'],
    ['model-f16.gguf', 'F16'],
    ['model-fp16.gguf', 'F16'],
    ['model-F32.gguf', 'F32'],
    ['big-Q8_0-00002-of-00003.gguf', 'Q8_0'],
    ['Q2-model-Q6_K.gguf', 'Q6_K'],
    ['Qwen2-7B.gguf', undefined],
    ['mmproj-model-f16.gguf', 'F16'],
  ];
  it.each(cases)('%s → %s', (name, quant) => {
    expect(quantFromFileName(name)).toBe(quant);
  });
});

describe('splitPartOf', () => {
  it('reads stem, index and count, and rejects impossible parts', () => {
    expect(splitPartOf('dir/m-Q4_0-00002-of-00003.gguf')).toEqual({ stem: 'dir/m-Q4_0', index: 2, count: 3 });
    expect(splitPartOf('m-00004-of-00003.gguf')).toBeUndefined();
    expect(splitPartOf('m-Q4_0.gguf')).toBeUndefined();
  });
});

describe('groupGgufFiles', () => {
  it('joins complete splits in part order, drops incomplete ones and non-GGUF files, orders by quant', () => {
    const groups = groupGgufFiles([
      { path: 'README.md', size: 10 },
      { path: 'm-Q8_0.gguf', size: 800, sha256: 'c' },
      { path: 'big-Q4_K_M-00002-of-00002.gguf', size: 20, sha256: 'b' },
      { path: 'big-Q4_K_M-00001-of-00002.gguf', size: 100, sha256: 'a' },
      { path: 'lost-Q2_K-00001-of-00002.gguf', size: 5 },
      { path: 'm-IQ2_XS.gguf', size: 200 },
      { path: 'mmproj-F16.gguf', size: 50 },
    ]);
    expect(groups.map((g) => [g.name, g.quant, g.size, g.parts.length, g.projector])).toEqual([
      ['m-IQ2_XS.gguf', 'IQ2_XS', 200, 1, false],
      ['big-Q4_K_M-00001-of-00002.gguf', 'Q4_K_M', 120, 2, false],
      ['m-Q8_0.gguf', 'Q8_0', 800, 1, false],
      ['mmproj-F16.gguf', 'F16', 50, 1, true],
    ]);
    expect(groups[1]?.parts.map((p) => p.sha256)).toEqual(['a', 'b']);
  });
});
