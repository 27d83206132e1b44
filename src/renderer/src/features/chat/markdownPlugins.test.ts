import { describe, expect, it } from 'vitest';
import { needsHighlight, needsMath } from './markdownPlugins';

describe('what a message needs loaded', () => {
  it('loads KaTeX only for math', () => {
    expect(needsMath('Euler: $e^{i\\pi} + 1 = 0$')).toBe(true);
    expect(needsMath('$$\\int_0^1 x\\,dx$$')).toBe(true);
    expect(needsMath('\\begin{align} a &= b \\end{align}')).toBe(true);
    expect(needsMath('It costs $5 and $6 more')).toBe(true); // harmless: KaTeX loads, remark-math decides
    expect(needsMath('Plain text, no dollars.')).toBe(false);
  });

  it('loads highlighting only for fenced code blocks', () => {
    expect(needsHighlight('Here:\n```ts\nconst a = 1;\n```')).toBe(true);
    expect(needsHighlight('~~~\ncode\n~~~')).toBe(true);
    expect(needsHighlight('Use `npm test` inline.')).toBe(false);
  });
});
