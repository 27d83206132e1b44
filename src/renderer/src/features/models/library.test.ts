import { describe, expect, it } from 'vitest';
import type { LibraryFolder } from '../../../../shared/dto';
import { folderKindText, splitFolders } from './library';

const folder = (path: string, patch: Partial<LibraryFolder> = {}): LibraryFolder => ({ path, kind: 'custom', added: true, exists: true, ...patch });

describe('splitFolders', () => {
  it('lists the models folder first, then added folders; suggestions apart, only when they exist', () => {
    const { added, suggested } = splitFolders([
      folder('/a'),
      folder('/models', { kind: 'models' }),
      folder('/lms', { kind: 'lmstudio', added: false }),
      folder('/hf', { kind: 'hf-cache', added: false, exists: false }),
      folder('/gone', { exists: false }),
    ]);
    expect(added.map((f) => f.path)).toEqual(['/models', '/a', '/gone']);
    expect(suggested.map((f) => f.path)).toEqual(['/lms']);
  });

  it('names each kind', () => {
    expect(folderKindText('lmstudio')).toBe('LM Studio models');
    expect(folderKindText('hf-cache')).toBe('Hugging Face cache');
  });
});
