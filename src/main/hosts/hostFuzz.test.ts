import { connect } from 'node:net';
import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ServerMessage } from '../../shared/wire';
import type { Core } from '../core/createCore';
import { silentLogger } from '../core/logging/logger';
import { createTestCore } from '../testing/testCore';
import { startWebHost, type WebHost } from './webHost';

// A bounded, seeded fuzz of the headless host: malformed HTTP requests and WebSocket messages.
// Every case must get a clear answer (a 4xx, a closed upgrade, or an error result) within its
// deadline, and the server must then serve a good request. Counts per class are printed.
let core: Core;
let cleanup: () => Promise<void>;
let host: WebHost;
const TOKEN = 'fuzz-token';
const CASE_TIMEOUT_MS = 3_000;

beforeAll(async () => {
  const test = await createTestCore();
  core = test.core;
  cleanup = test.cleanup;
  const rendererDir = join(test.dataDir, 'renderer');
  await mkdir(rendererDir, { recursive: true });
  host = await startWebHost({ core, host: '127.0.0.1', port: 0, rendererDir, logger: silentLogger, token: TOKEN });
});
afterAll(async () => {
  await host.close();
  await cleanup();
});

/** Mulberry32: small, seeded, deterministic. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Sends raw bytes; resolves with what came back before the server closed (or '' on timeout = hang). */
function raw(bytes: string | Buffer): Promise<{ reply: string; hung: boolean }> {
  return new Promise((resolve) => {
    let reply = '';
    const socket = connect(host.port, '127.0.0.1', () => socket.write(bytes));
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ reply, hung: reply === '' });
    }, CASE_TIMEOUT_MS);
    socket.on('data', (chunk) => {
      reply += chunk.toString('latin1');
      // One answer is enough; a keep-alive socket would otherwise wait for more.
      if (/^HTTP\/1\.1 \d{3}/.test(reply)) socket.end();
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ reply, hung: false });
    });
    socket.on('error', () => {});
  });
}

async function serverAnswers(): Promise<boolean> {
  const { reply } = await raw(`GET /?token=${TOKEN} HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nConnection: close\r\n\r\n`);
  return /^HTTP\/1\.1 (200|404)/.test(reply);
}

interface Tally {
  cases: number;
  clear: number;
  crashes: number;
  hangs: number;
}
const tallies = new Map<string, Tally>();
function tally(kind: string): Tally {
  let t = tallies.get(kind);
  if (!t) tallies.set(kind, (t = { cases: 0, clear: 0, crashes: 0, hangs: 0 }));
  return t;
}

const junkChars = ' \t%[]{}<>"\\^`|#?&=@:;,/\u0000\u00ff\u2028é';
function junk(random: () => number, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += junkChars[Math.floor(random() * junkChars.length)];
  return out;
}

function httpCases(random: () => number): Array<{ kind: string; bytes: string }> {
  const h = `127.0.0.1:${host.port}`;
  const cases: Array<{ kind: string; bytes: string }> = [];
  for (const target of ['//[', '/%', '/%zz', '*', 'http://evil.example/', 'http://evil.example/?token=' + TOKEN, `http://${h}/..%2f..%2fetc/passwd`, '/' + 'a'.repeat(20_000), 'ftp://x/', '?', '#']) {
    cases.push({ kind: 'bad request target', bytes: `GET ${target} HTTP/1.1\r\nHost: ${h}\r\n\r\n` });
    cases.push({ kind: 'bad upgrade target', bytes: `GET ${target} HTTP/1.1\r\nHost: ${h}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n` });
  }
  for (let i = 0; i < 30; i++) {
    cases.push({ kind: 'random request line', bytes: `${junk(random, 1 + Math.floor(random() * 8))} /${junk(random, Math.floor(random() * 40))} HTTP/1.1\r\nHost: ${h}\r\n\r\n` });
    cases.push({ kind: 'random headers', bytes: `GET / HTTP/1.1\r\nHost: ${h}\r\n${junk(random, 5)}: ${junk(random, 30)}\r\nCookie: ${junk(random, 50)}\r\nAuthorization: Bearer ${junk(random, 20)}\r\n\r\n` });
    cases.push({ kind: 'random host header', bytes: `GET / HTTP/1.1\r\nHost: ${junk(random, 1 + Math.floor(random() * 30))}\r\n\r\n` });
  }
  cases.push({ kind: 'huge header', bytes: `GET / HTTP/1.1\r\nHost: ${h}\r\nX-Big: ${'x'.repeat(100_000)}\r\n\r\n` });
  cases.push({ kind: 'no host header', bytes: 'GET / HTTP/1.1\r\n\r\n' });
  cases.push({ kind: 'HTTP/0.9 and garbage', bytes: 'GET /\r\n\r\n' });
  cases.push({ kind: 'HTTP/0.9 and garbage', bytes: '\u0016\u0003\u0001\u0000\u00a5\u0001\u0000\u0000\u00a1\u0003\u0003' });
  cases.push({ kind: 'bad content length', bytes: `POST / HTTP/1.1\r\nHost: ${h}\r\nContent-Length: -1\r\n\r\n` });
  cases.push({ kind: 'bad content length', bytes: `POST / HTTP/1.1\r\nHost: ${h}\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n` });
  cases.push({ kind: 'upgrade without key', bytes: `GET /rpc?token=${TOKEN} HTTP/1.1\r\nHost: ${h}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n` });
  return cases;
}

describe('host fuzz', () => {
  it('answers every malformed HTTP request clearly and keeps serving', async () => {
    const random = rng(20261124);
    for (const { kind, bytes } of httpCases(random)) {
      const t = tally(kind);
      t.cases++;
      const { reply, hung } = await raw(bytes);
      if (hung) t.hangs++;
      else if (/^HTTP\/1\.1 4\d\d/.test(reply)) t.clear++;
      if (!(await serverAnswers())) t.crashes++;
    }
    for (const [kind, t] of tallies) expect(t, kind).toEqual({ cases: t.cases, clear: t.cases, crashes: 0, hangs: 0 });
  }, 120_000);

  it('answers every malformed WebSocket message clearly and keeps serving', async () => {
    const random = rng(7);
    const socket = new WebSocket(`ws://127.0.0.1:${host.port}/rpc`, { headers: { Authorization: `Bearer ${TOKEN}` }, maxPayload: 64 * 1024 * 1024 });
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const replies: ServerMessage[] = [];
    socket.on('message', (data) => replies.push(JSON.parse(data.toString()) as ServerMessage));
    const depth = 200_000;
    const nested = '['.repeat(depth) + '1' + ']'.repeat(depth);
    const unknownKeys: Record<string, number> = {};
    for (let i = 0; i < 50_000; i++) unknownKeys[`k${i}`] = i;
    const messages: Array<{ kind: string; text: string }> = [
      ...['', 'null', '1', '"x"', '[]', '{', '{"type":"call"}', '{"type":"call","id":"1","method":"app.getInfo"}', '{"type":"call","id":1.5,"method":"app.getInfo"}'].map((text) => ({ kind: 'bad JSON / envelope', text })),
      { kind: 'deep nesting', text: `{"type":"call","id":1,"method":"inference.chat","args":${nested}}` },
      { kind: 'deep nesting', text: `{"type":"call","id":11,"method":"inference.chat","args":{"requestId":"d","messages":${nested}}}` },
      { kind: 'huge string', text: JSON.stringify({ type: 'call', id: 2, method: 'inference.loadModel', args: { modelId: 'x'.repeat(5_000_000) } }) },
      { kind: 'unknown method', text: JSON.stringify({ type: 'call', id: 3, method: '__proto__', args: {} }) },
      { kind: 'unknown method', text: JSON.stringify({ type: 'call', id: 4, method: 'x'.repeat(100_000), args: {} }) },
      { kind: 'wrong types', text: JSON.stringify({ type: 'call', id: 5, method: 'inference.chat', args: { requestId: 5, messages: 'hi' } }) },
      { kind: 'wrong types', text: JSON.stringify({ type: 'call', id: 6, method: 'inference.loadModel', args: unknownKeys }) },
      { kind: 'wrong types', text: JSON.stringify({ type: 'call', id: 7, method: 'inference.stop', args: { requestId: { $gt: '' } } }) },
      ...Array.from({ length: 40 }, (_, i) => ({ kind: 'random bytes', text: junk(random, 1 + Math.floor(random() * 200)) + String(i) })),
      { kind: 'cancel of unknown call', text: JSON.stringify({ type: 'cancel', id: 999 }) },
    ];
    for (const { kind, text } of messages) {
      const t = tally(`ws: ${kind}`);
      t.cases++;
      const before = replies.length;
      socket.send(text);
      const until = Date.now() + CASE_TIMEOUT_MS;
      const expectsReply = kind !== 'cancel of unknown call';
      while (expectsReply && replies.length === before && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 5));
      const reply = replies[before];
      if (!expectsReply) t.clear++;
      else if (!reply) t.hangs++;
      else if (reply.type === 'result' && !reply.ok && reply.error.message.length <= 1_000) t.clear++;
      if (!(await serverAnswers())) t.crashes++;
    }
    // The same socket still works for a good call.
    socket.send(JSON.stringify({ type: 'call', id: 100, method: 'app.getInfo', args: {} }));
    await expect.poll(() => replies.some((r) => r.type === 'result' && r.id === 100 && r.ok)).toBe(true);
    socket.close();
    for (const [kind, t] of tallies) if (kind.startsWith('ws:')) expect(t, kind).toEqual({ cases: t.cases, clear: t.cases, crashes: 0, hangs: 0 });
  }, 120_000);

  it('survives a broken WebSocket frame (unmasked client frame) and keeps serving', async () => {
    const t = tally('ws: broken frame');
    t.cases++;
    const { reply } = await raw(
      Buffer.concat([
        Buffer.from(`GET /rpc?token=${TOKEN} HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`),
        Buffer.from([0x81, 0x05, 0x68, 0x65, 0x6c, 0x6c, 0x6f]),
      ]),
    );
    expect(reply).toMatch(/^HTTP\/1\.1 101/);
    t.clear++;
    expect(await serverAnswers()).toBe(true);
  });

  afterAll(() => {
    console.log('host fuzz (class: cases / clear / crashes / hangs)');
    for (const [kind, t] of tallies) console.log(`  ${kind}: ${t.cases} / ${t.clear} / ${t.crashes} / ${t.hangs}`);
  });
});
