import { describe, expect, it } from 'vitest';
import { given } from './given';

describe('given', () => {
  it('drops only the fields left undefined (0, "", false, null and [] are values)', () => {
    expect(given({ a: undefined, b: 0, c: '', d: [], e: 'x', f: false, g: null })).toEqual({ b: 0, c: '', d: [], e: 'x', f: false, g: null });
    expect(Object.keys(given({ a: undefined }))).toEqual([]);
  });
});
