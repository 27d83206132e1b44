import { describe, expect, it } from 'vitest';
import { RESPONSES_KEPT, RESPONSES_KEPT_CHARS, ResponseStore } from './responsesStore';

const turn = (content: string) => [{ role: 'user' as const, content }];

describe('ResponseStore', () => {
  it(`keeps the ${RESPONSES_KEPT} most recently used responses`, () => {
    const store = new ResponseStore();
    for (let i = 0; i < RESPONSES_KEPT; i++) store.put(`resp_${i}`, turn(`m${i}`), turn(`m${i}`));
    expect(store.get('resp_0')).toEqual(turn('m0')); // now the most recently used
    store.put('resp_new', turn('new'), turn('new'));
    expect(store.size).toBe(RESPONSES_KEPT);
    expect(store.get('resp_1')).toBeUndefined();
    expect(store.get('resp_0')).toEqual(turn('m0'));
    expect(store.get('resp_new')).toEqual(turn('new'));
  });

  it('drops the oldest when the kept text passes its bound, but always keeps the newest', () => {
    const store = new ResponseStore();
    const big = 'x'.repeat(Math.ceil(RESPONSES_KEPT_CHARS / 2));
    store.put('a', turn(big), turn(big));
    store.put('b', turn(big), turn(big));
    expect(store.get('a')).toBeUndefined();
    expect(store.get('b')).toBeDefined();
    const huge = big + big;
    store.put('c', turn(huge), turn(huge));
    expect(store.size).toBe(1);
    expect(store.get('c')).toBeDefined();
  });
});
