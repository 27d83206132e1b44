import { describe, expect, it } from 'vitest';
import { classifyLicence } from './licence';
import { looksLikeReference, referenceFromHash, repoHref } from './reference';
import { fileLabels } from './repo';
import { formatCount, formatDay } from './discover';

describe('classifyLicence', () => {
  it('marks the common open licences permissive', () => {
    for (const id of ['apache-2.0', 'mit', 'MIT', 'bsd-3-clause', 'bsd']) {
      expect(classifyLicence(id)).toMatchObject({ kind: 'permissive', explanation: expect.stringMatching(/^Permissive/) });
    }
  });

  it('flags model-specific licences with a one-line explanation', () => {
    for (const id of ['llama3.1', 'llama2', 'gemma', 'qwen', 'other', 'some-new-licence']) {
      expect(classifyLicence(id)).toEqual({ kind: 'restrictive', label: id, explanation: 'Custom licence: read its terms before commercial use.' });
    }
  });

  it('says non-commercial for cc-by-nc licences', () => {
    expect(classifyLicence('cc-by-nc-4.0')).toMatchObject({ kind: 'restrictive', explanation: expect.stringContaining('not for commercial use') });
    expect(classifyLicence('cc-by-nc-sa-4.0').kind).toBe('restrictive');
  });

  it('treats a missing licence as unknown, not as open', () => {
    expect(classifyLicence(undefined)).toMatchObject({ kind: 'unknown', label: 'No licence' });
    expect(classifyLicence('  ').kind).toBe('unknown');
    expect(classifyLicence('unknown').kind).toBe('unknown');
  });
});

describe('looksLikeReference', () => {
  it('opens repo ids, quant references and URLs directly', () => {
    for (const text of [
      'Qwen/Qwen2.5-0.5B-Instruct-GGUF',
      ' bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M ',
      'hf.co/unsloth/gemma-3-1b-it-GGUF',
      'https://huggingface.co/Qwen/Qwen2.5-7B-Instruct-GGUF/blob/main/qwen2.5-7b-instruct-q4_k_m.gguf',
    ]) {
      expect(looksLikeReference(text), text).toBe(true);
    }
  });

  it('searches words, even with a slash between them', () => {
    for (const text of ['qwen', 'llama 3', 'input/output models', '', '   ']) expect(looksLikeReference(text), text).toBe(false);
  });
});

describe('repo page addresses', () => {
  it('round-trips plain ids as two path segments', () => {
    expect(repoHref('owner/repo-GGUF')).toBe('#/discover/owner/repo-GGUF');
    expect(referenceFromHash('#/discover/owner/repo-GGUF')).toBe('owner/repo-GGUF');
  });

  it('keeps quant references and URLs whole', () => {
    for (const reference of ['owner/repo:Q4_K_M', 'https://huggingface.co/owner/repo/blob/main/a b.gguf']) {
      expect(referenceFromHash(repoHref(reference))).toBe(reference);
    }
  });

  it('is the search page without a reference', () => {
    expect(referenceFromHash('#/discover')).toBeNull();
    expect(referenceFromHash('#/discover/')).toBeNull();
    expect(referenceFromHash('#/models')).toBeNull();
  });
});

describe('fileLabels', () => {
  it('names a model by its quant when that is unique, else by file name', () => {
    const labels = fileLabels([
      { name: 'm-Q4_K_M.gguf', quant: 'Q4_K_M', projector: false },
      { name: 'm-Q8_0.gguf', quant: 'Q8_0', projector: false },
      { name: 'other-Q8_0.gguf', quant: 'Q8_0', projector: false },
      { name: 'mmproj-F16.gguf', quant: 'F16', projector: true },
      { name: 'plain.gguf', projector: false },
    ]);
    expect(Object.fromEntries(labels)).toEqual({
      'm-Q4_K_M.gguf': 'Q4_K_M',
      'm-Q8_0.gguf': 'm-Q8_0.gguf',
      'other-Q8_0.gguf': 'other-Q8_0.gguf',
      'mmproj-F16.gguf': 'mmproj-F16.gguf',
      'plain.gguf': 'plain.gguf',
    });
  });
});

describe('result figures', () => {
  it('shortens counts and dates', () => {
    expect(formatCount(5234)).toBe('5.2K');
    expect(formatCount(42)).toBe('42');
    expect(formatCount(1_200_000)).toBe('1.2M');
    expect(formatDay('2026-01-10T00:00:00.000Z')).toBe('2026-01-10');
    expect(formatDay(undefined)).toBe('');
  });
});
