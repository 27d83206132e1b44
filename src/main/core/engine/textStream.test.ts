import { describe, expect, it } from 'vitest';
import { TokenTextStream, type Detokenize } from './textStream';

/** A byte-level fake vocabulary: token n is byte n, decoded as UTF-8 like a real byte-fallback tokenizer. */
const bytes: Detokenize = (tokens) => new TextDecoder().decode(new Uint8Array(tokens));
const encode = (text: string) => [...new TextEncoder().encode(text)];

function streamAll(text: string, stops: string[] = [], trim = false) {
  const stream = new TokenTextStream(bytes, stops, trim);
  const pieces: string[] = [];
  for (const token of encode(text)) {
    const piece = stream.push(token);
    if (piece) pieces.push(piece);
    if (stream.stopped) break;
  }
  const tail = stream.finish();
  if (tail) pieces.push(tail);
  return { pieces, full: stream.fullText, stopped: stream.stopped, stoppedBy: stream.stoppedBy };
}

describe('TokenTextStream', () => {
  it('never emits a broken multi-byte character', () => {
    const { pieces, full } = streamAll('héllo 🔥 wörld');
    expect(full).toBe('héllo 🔥 wörld');
    expect(pieces.join('')).toBe(full);
    for (const piece of pieces) expect(piece).not.toContain('\uFFFD');
  });

  it('cuts the reply before a stop string and never shows part of it', () => {
    const { pieces, full, stopped } = streamAll('The answer is 42.\nUser: more', ['\nUser:']);
    expect(stopped).toBe(true);
    expect(full).toBe('The answer is 42.');
    expect(pieces.join('')).toBe('The answer is 42.');
    for (const piece of pieces) expect(piece).not.toContain('\n');
  });

  it('releases held-back text that turned out not to be a stop string', () => {
    const { pieces, full, stopped } = streamAll('a\nUs and more', ['\nUser:']);
    expect(stopped).toBe(false);
    expect(full).toBe('a\nUs and more');
    expect(pieces.join('')).toBe(full);
  });

  it('flushes an incomplete trailing character on finish instead of losing it', () => {
    const stream = new TokenTextStream(bytes);
    const euro = encode('€'); // 3 bytes
    expect(stream.push(euro[0]!)).toBe('');
    expect(stream.push(euro[1]!)).toBe('');
    expect(stream.finish()).toBe('\uFFFD');
  });

  it('with trimming, shows inner whitespace but never trailing whitespace, and says which stop string ended it', () => {
    const padded = streamAll('{"a": 1}\n  \n\n\n\n\n', ['\n\n\n\n'], true);
    expect(padded).toMatchObject({ full: '{"a": 1}', stopped: true, stoppedBy: '\n\n\n\n' });
    expect(padded.pieces.join('')).toBe('{"a": 1}');
    const trailing = streamAll('{"a": 1}  \n', [], true);
    expect(trailing).toMatchObject({ full: '{"a": 1}', stopped: false, stoppedBy: undefined });
    expect(trailing.pieces.join('')).toBe('{"a": 1}');
    expect(streamAll('a b', [], true).pieces.join('')).toBe('a b');
  });
});
