import { describe, expect, it } from 'vitest';
import type { FileTradeoff } from '../../../../shared/benchDto';
import type { RemoteFileFit } from '../../../../shared/hubDto';
import { qualityCell, recommendedFirst, speedCell } from './tradeoff';

const fit = (name: string, recommended: boolean) => ({ name, recommended }) as RemoteFileFit;

describe('repo page trade-off columns', () => {
  it('puts the Recommended file first and keeps the others in order', () => {
    const files = [{ name: 'q2' }, { name: 'q4' }, { name: 'q8' }, { name: 'f16' }];
    expect(recommendedFirst(files, { q8: fit('q8', true), q4: fit('q4', false) }).map((f) => f.name)).toEqual(['q8', 'q2', 'q4', 'f16']);
    expect(recommendedFirst(files, {}).map((f) => f.name)).toEqual(['q2', 'q4', 'q8', 'f16']);
  });

  it('shows predicted speed with its source, and quality loss with its basis', () => {
    const tradeoff: FileTradeoff = { tokensPerSecond: 14.26, speedSource: 'measured', quality: { percent: 2.82, source: 'prior', basis: 'llama.cpp scoreboard' } };
    expect(speedCell(tradeoff, false)).toMatchObject({ text: '≈ 14 tok/s', title: expect.stringContaining('measured on this machine') });
    expect(speedCell({ ...tradeoff, tokensPerSecond: 3.46, speedSource: 'default' }, false)).toMatchObject({ text: '≈ 3.5 tok/s', title: expect.stringContaining('default bandwidth') });
    expect(speedCell(tradeoff, true).text).toBe('–');
    expect(qualityCell(tradeoff)).toEqual({ text: '≈ 3 %', title: 'Perplexity increase over F16. Published: llama.cpp scoreboard.' });
    expect(qualityCell({ ...tradeoff, quality: { percent: 0.35, source: 'measured', basis: 'lab' } }).text).toBe('0.3 %');
    expect(qualityCell(undefined).text).toBe('–');
  });
});
