import { readGgufFileInfo, type GgufFileInfo } from 'node-llama-cpp';
import { beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors';
import { fixtureModel } from '../../testing/fixtureModels';
import { declaredPartCount, parameterCount, spliceParts } from './remoteSplit';

/** A real header made to look like part `index` of a split: its tensors shared out by position. */
function asPart(info: GgufFileInfo, index: number, count: number, tensorCount: number): GgufFileInfo {
  const all = info.fullTensorInfo ?? [];
  const mine = all.filter((_, i) => i % count === index);
  const split = { no: index, count, tensors: { count: tensorCount } };
  return { ...info, metadata: { ...info.metadata, split } as GgufFileInfo['metadata'], tensorInfo: mine, fullTensorInfo: mine };
}

describe('split headers', () => {
  let whole: GgufFileInfo;
  beforeAll(async () => {
    whole = await readGgufFileInfo(await fixtureModel({ preset: 'tiny', type: 'Q8_0' }), { logWarnings: false });
  });

  it('joins every part\'s tensors so the parameter count covers the whole model', () => {
    const total = whole.fullTensorInfo!.length;
    const parts = [0, 1, 2].map((i) => asPart(whole, i, 3, total));
    expect(declaredPartCount(parts[0]!)).toBe(3);
    expect(declaredPartCount(whole)).toBe(1);
    const spliced = spliceParts(parts);
    expect(spliced.fullTensorInfo).toHaveLength(total);
    expect(spliced.splicedParts).toBe(3);
    expect(parameterCount(spliced)).toBe(parameterCount(whole));
    expect(parameterCount(parts[0]!)).toBeLessThan(parameterCount(whole));
    expect(new Set(spliced.fullTensorInfo!.map((t) => t.filePart))).toEqual(new Set([1, 2, 3]));
  });

  it('refuses parts whose tensors do not add up to split.tensors.count', () => {
    const total = whole.fullTensorInfo!.length;
    const parts = [0, 1, 2].map((i) => asPart(whole, i, 3, total + 1));
    expect(() => spliceParts(parts)).toThrow(AppError);
  });
});
