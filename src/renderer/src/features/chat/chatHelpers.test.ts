import { describe, expect, it } from 'vitest';
import { groupByDay } from './chatGroups';
import { parseChatId, chatHref } from './chatRoute';
import { normalizeMathDelimiters } from './mathDelimiters';
import { checkJsonReply, parseJsonSchema } from './structuredOutput';
import { createTokenBuffer, type TokenBatch } from './tokenBuffer';

describe('groupByDay', () => {
  it('puts chats under Today, Yesterday and Earlier in local time, keeping their order', () => {
    const now = new Date(2025, 5, 10, 9, 30);
    const at = (d: number, h: number) => new Date(2025, 5, d, h).toISOString();
    const chats = [
      { id: 'a', updatedAt: at(10, 8) },
      { id: 'b', updatedAt: at(10, 0) },
      { id: 'c', updatedAt: at(9, 23) },
      { id: 'd', updatedAt: at(1, 12) },
    ];
    expect(groupByDay(chats, now).map((g) => [g.label, g.items.map((c) => c.id)])).toEqual([
      ['Today', ['a', 'b']],
      ['Yesterday', ['c']],
      ['Earlier', ['d']],
    ]);
    expect(groupByDay([{ updatedAt: at(1, 1) }], now).map((g) => g.label)).toEqual(['Earlier']);
  });
});

describe('chat route', () => {
  it('keeps the open chat in the address', () => {
    expect(parseChatId('#/chat/abc-1')).toBe('abc-1');
    expect(parseChatId('#/chat')).toBeNull();
    expect(parseChatId('#/models')).toBeNull();
    expect(chatHref('abc')).toBe('#/chat/abc');
    expect(chatHref(null)).toBe('#/chat');
  });
});

describe('normalizeMathDelimiters', () => {
  it('turns \\( \\) and \\[ \\] into dollars outside code', () => {
    expect(normalizeMathDelimiters('Area \\(\\pi r^2\\) and \\[E = mc^2\\]')).toBe('Area $\\pi r^2$ and $$E = mc^2$$');
    const code = '```\nprint("\\(x\\)")\n```\nand `\\(y\\)` but \\(z\\)';
    expect(normalizeMathDelimiters(code)).toBe('```\nprint("\\(x\\)")\n```\nand `\\(y\\)` but $z$');
    expect(normalizeMathDelimiters('plain $x$')).toBe('plain $x$');
  });
});

describe('structured output', () => {
  it('formats a JSON reply, and says why one is not JSON', () => {
    expect(checkJsonReply(' {"protein": 3.1, "fiber": 0} ')).toEqual({ valid: true, formatted: '{\n  "protein": 3.1,\n  "fiber": 0\n}' });
    const bad = checkJsonReply('{"protein": 3.1');
    expect(bad.valid).toBe(false);
    expect(checkJsonReply('')).toEqual({ valid: false, error: 'the reply is empty' });
  });

  it('reads a schema field: empty, an object, or what is wrong', () => {
    expect(parseJsonSchema('  ')).toEqual({ schema: null });
    expect(parseJsonSchema('{"type":"object"}')).toEqual({ schema: { type: 'object' } });
    expect(parseJsonSchema('{"type":')).toMatchObject({ schema: null, error: expect.stringMatching(/^Not valid JSON/) });
    expect(parseJsonSchema('[1]')).toMatchObject({ schema: null, error: expect.stringMatching(/is an object/) });
  });
});

describe('createTokenBuffer', () => {
  it('hands over the text of many chunks once per scheduled tick, merged per request', () => {
    const ticks: (() => void)[] = [];
    const delivered: TokenBatch[] = [];
    const buffer = createTokenBuffer((callback) => ticks.push(callback), (batch) => delivered.push(batch));
    buffer.push('r1', 'Hel');
    buffer.push('r2', 'x');
    buffer.push('r1', 'lo');
    buffer.push('r1', '');
    expect(ticks).toHaveLength(1);
    expect(delivered).toHaveLength(0);
    ticks[0]!();
    expect([...delivered[0]!]).toEqual([
      ['r1', 'Hello'],
      ['r2', 'x'],
    ]);
    buffer.push('r1', '!');
    buffer.flush();
    expect([...delivered[1]!]).toEqual([['r1', '!']]);
    ticks[1]!();
    expect(delivered).toHaveLength(2);
  });
});
