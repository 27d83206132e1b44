import { describe, expect, it } from 'vitest';
import { parseArgs } from './args';
import { integerFlag, readFlags } from './flags';
import { loadSettingsSchema, MAX_THREADS } from '../../shared/schemas';

describe('flag helpers', () => {
  const flags = readFlags(['--n', '7', '--bad=x'], new Map([['n', false], ['bad', false], ['absent', false]]));

  it('integerFlag: the number when given and in range, undefined when absent, a reason otherwise', () => {
    expect(integerFlag(flags, 'n', 1, 10)).toBe(7);
    expect(integerFlag(flags, 'absent', 1, 10)).toBeUndefined();
    expect(() => integerFlag(flags, 'n', 8, 10)).toThrow('--n must be a whole number from 8 to 10, got "7".');
    expect(() => integerFlag(flags, 'bad', 1, 10)).toThrow('--bad must be a whole number');
  });

  it('--threads takes the range a load takes, declared once', () => {
    expect(parseArgs(['run', 'm', '--threads', String(MAX_THREADS)])).toMatchObject({ options: { threads: MAX_THREADS } });
    expect(loadSettingsSchema.safeParse({ threads: MAX_THREADS + 1 }).success).toBe(false);
    expect(() => parseArgs(['run', 'm', '--threads', String(MAX_THREADS + 1)])).toThrow(`--threads must be a whole number from 1 to ${MAX_THREADS}`);
    expect(() => parseArgs(['bench', 'm', '--threads', `1,${MAX_THREADS + 1}`])).toThrow('--threads must be a whole number');
  });
});
