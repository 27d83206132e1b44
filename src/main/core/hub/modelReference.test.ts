import { describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors';
import { parseModelReference } from './modelReference';

describe('parseModelReference', () => {
  const good: Array<[string, ReturnType<typeof parseModelReference>]> = [
    ['bartowski/Qwen2.5-7B-Instruct-GGUF', { repo: 'bartowski/Qwen2.5-7B-Instruct-GGUF' }],
    ['  owner/repo  ', { repo: 'owner/repo' }],
    ['owner/repo:Q4_K_M', { repo: 'owner/repo', quant: 'Q4_K_M' }],
    ['owner/repo:q4_k_m', { repo: 'owner/repo', quant: 'Q4_K_M' }],
    ['hf.co/owner/repo', { repo: 'owner/repo' }],
    ['hf.co/owner/repo:IQ2_XXS', { repo: 'owner/repo', quant: 'IQ2_XXS' }],
    ['https://hf.co/owner/repo:Q8_0', { repo: 'owner/repo', quant: 'Q8_0' }],
    ['https://huggingface.co/owner/repo', { repo: 'owner/repo' }],
    ['https://huggingface.co/owner/repo/', { repo: 'owner/repo' }],
    ['huggingface.co/owner/repo', { repo: 'owner/repo' }],
    ['https://www.huggingface.co/owner/repo?library=gguf', { repo: 'owner/repo' }],
    ['https://huggingface.co/owner/repo/tree/dev', { repo: 'owner/repo', revision: 'dev' }],
    [
      'https://huggingface.co/owner/repo/blob/main/model-Q4_K_M.gguf',
      { repo: 'owner/repo', file: 'model-Q4_K_M.gguf', revision: 'main', quant: 'Q4_K_M' },
    ],
    [
      'https://huggingface.co/owner/repo/resolve/main/sub/dir/model.Q5_K_S.gguf?download=true',
      { repo: 'owner/repo', file: 'sub/dir/model.Q5_K_S.gguf', revision: 'main', quant: 'Q5_K_S' },
    ],
    [
      'https://huggingface.co/owner/repo/resolve/main/big-Q8_0-00001-of-00003.gguf',
      { repo: 'owner/repo', file: 'big-Q8_0-00001-of-00003.gguf', revision: 'main', quant: 'Q8_0' },
    ],
    ['https://huggingface.co/owner/repo/blob/main/noquant.gguf', { repo: 'owner/repo', file: 'noquant.gguf', revision: 'main' }],
  ];
  it.each(good)('reads %j', (text, expected) => {
    expect(parseModelReference(text)).toEqual(expected);
  });

  it('accepts URLs of the configured mirror', () => {
    expect(parseModelReference('http://127.0.0.1:9999/owner/repo:Q4_0', '127.0.0.1:9999')).toEqual({ repo: 'owner/repo', quant: 'Q4_0' });
  });

  const bad: Array<[string, RegExp]> = [
    ['', /empty/],
    ['   ', /empty/],
    ['justone', /owner and a repo/],
    ['https://huggingface.co/', /owner and a repo/],
    ['https://huggingface.co/owner', /owner and a repo/],
    ['https://example.com/owner/repo', /example\.com is not a Hugging Face host/],
    ['https://huggingface.co/datasets/owner/repo', /only model repos/],
    ['https://huggingface.co/spaces/owner/repo', /only model repos/],
    ['owner/repo:', /malformed/],
    ['owner/repo:Q4:K', /more than one/],
    ['owner/re po', /may only contain/],
    ['../repo', /may only contain/],
    ['owner/..', /may only contain/],
    ['owner/repo/extra', /not a repo, blob or resolve/],
    ['https://huggingface.co/owner/repo/blob/main', /revision and a file/],
    ['https://huggingface.co/owner/repo/blob/main/README.md', /only \.gguf/],
    ['https://huggingface.co/owner/repo/resolve/main/a/../b.gguf', /malformed/],
    ['https://huggingface.co/owner/repo:Q4_0/blob/main/x.gguf', /cannot be combined/],
  ];
  it.each(bad)('rejects %j', (text, message) => {
    let thrown: unknown;
    try {
      parseModelReference(text);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AppError);
    expect((thrown as AppError).code).toBe('BAD_REQUEST');
    expect((thrown as AppError).message).toMatch(message);
    expect((thrown as AppError).message).toMatch(/Use owner\/repo/);
  });
});
