import { describe, expect, it } from 'vitest';
import type { ModelInfo } from '../../../../shared/dto';
import { distinctModelLabels, modelDisplayName } from './models';

function model(id: string, name?: string): ModelInfo {
  const fileName = id.split('/').pop()!;
  return {
    id,
    path: `/models/${id}`,
    fileName,
    sizeBytes: 1,
    modifiedAt: '2025-01-01T00:00:00.000Z',
    status: name ? 'ok' : 'unreadable',
    metadata: name
      ? { name, architecture: 'llama', parameterCount: 1, quantization: 'Q4_0', trainedContextLength: 512, layers: 2 }
      : undefined,
  };
}

describe('modelDisplayName', () => {
  it('uses general.name, else the file name', () => {
    expect(modelDisplayName(model('p/r/a.gguf', 'Qwen 7B'))).toBe('Qwen 7B');
    expect(modelDisplayName(model('broken/garbage.gguf'))).toBe('garbage.gguf');
  });
});

describe('distinctModelLabels', () => {
  it('keeps unique names as they are', () => {
    const labels = distinctModelLabels([model('a.gguf', 'Alpha'), model('b.gguf', 'Beta'), model('x/garbage.gguf')]);
    expect([...labels.values()]).toEqual(['Alpha', 'Beta', 'garbage.gguf']);
  });

  it('adds the file name when quants of one model share a name', () => {
    const labels = distinctModelLabels([
      model('p/r/smol-q4_0.gguf', 'Smol'),
      model('p/r/smol-q8_0.gguf', 'Smol'),
      model('tiny.gguf', 'Tiny'),
    ]);
    expect(labels.get('p/r/smol-q4_0.gguf')).toBe('Smol (smol-q4_0.gguf)');
    expect(labels.get('p/r/smol-q8_0.gguf')).toBe('Smol (smol-q8_0.gguf)');
    expect(labels.get('tiny.gguf')).toBe('Tiny');
  });

  it('falls back to the relative path when even the file names collide', () => {
    const labels = distinctModelLabels([model('a/m.gguf', 'M'), model('b/m.gguf', 'M')]);
    expect(labels.get('a/m.gguf')).toBe('M (a/m.gguf)');
    expect(labels.get('b/m.gguf')).toBe('M (b/m.gguf)');
    expect(new Set(labels.values()).size).toBe(2);
  });
});
