import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ApiRequestLogEntry, ApiServerStatus } from '../../../../shared/serverDto';
import { curlExample, ENDPOINTS, serverOrigin, shellQuote } from './endpoints';
import { addLogEntries, formatDuration, formatTokens } from './requestLog';
import { differsFrom, formFromSettings, generateApiKey, parseOrigins, validateForm } from './serverSettings';

const calls = vi.hoisted(() => ({ start: vi.fn(), stop: vi.fn(), getStatus: vi.fn(), getLog: vi.fn() }));
vi.mock('../../api/api', () => ({ api: { server: calls } }));
const { exampleKey, startArgs, useServerStore } = await import('./server');

const endpoint = (path: string) => ENDPOINTS.find((e) => e.path === path)!;
const entry = (id: number, patch: Partial<ApiRequestLogEntry> = {}): ApiRequestLogEntry => ({
  id,
  time: '2026-01-01T00:00:00.000Z',
  method: 'GET',
  path: '/v1/models',
  status: 200,
  durationMs: 3,
  ...patch,
});
const settings = { host: '127.0.0.1', port: 1234, corsOrigins: [], idleUnloadMinutes: 60 };

describe('curl examples', () => {
  it('uses the real address and key, and sends no body for a GET', () => {
    const text = curlExample(endpoint('/v1/models'), { origin: 'http://127.0.0.1:4321', apiKey: 'hearth-abc' });
    expect(text).toBe(`curl 'http://127.0.0.1:4321/v1/models' \\\n  -H 'Authorization: Bearer hearth-abc'`);
  });

  it('puts the model into a JSON body, quoted for the shell, and leaves a key placeholder expandable', () => {
    const text = curlExample(endpoint('/api/chat'), { origin: 'http://h:1', apiKey: '$HEARTH_API_KEY', model: "o/it's/m.gguf" });
    expect(text).toContain('-H "Authorization: Bearer $HEARTH_API_KEY"');
    expect(text).toContain(`-H 'Content-Type: application/json'`);
    const body = /-d '(.*)'$/s.exec(text)![1]!.replace(/'\\''/g, "'");
    expect(JSON.parse(body)).toMatchObject({ model: "o/it's/m.gguf", options: { num_predict: 128 } });
    // Ollama's chat streams by default: curl is told not to buffer it.
    expect(text.startsWith("curl -N 'http://h:1/api/chat'")).toBe(true);
  });

  it('chat examples stream with a token limit, so a pasted one prints as it goes and ends', () => {
    const text = curlExample(endpoint('/v1/chat/completions'), { origin: 'http://h:1', model: 'm.gguf' });
    expect(text.startsWith("curl -N 'http://h:1/v1/chat/completions'")).toBe(true);
    const body = JSON.parse(/-d '(.*)'$/s.exec(text)![1]!) as Record<string, unknown>;
    expect(body).toMatchObject({ model: 'm.gguf', stream: true, max_tokens: 128 });
    expect(curlExample(endpoint('/v1/embeddings'), { origin: 'http://h:1' })).not.toContain('-N');
  });

  it('has no Authorization header without a key and a MODEL_ID placeholder without a model', () => {
    const text = curlExample(endpoint('/v1/embeddings'), { origin: 'http://h:1' });
    expect(text).not.toContain('Authorization');
    expect(text).toContain('"model":"MODEL_ID"');
  });

  it('lists the OpenAI and Ollama routes, and derives the origin from the base URL', () => {
    expect(ENDPOINTS.map((e) => `${e.method} ${e.path}`)).toEqual([
      'GET /v1/models',
      'POST /v1/chat/completions',
      'POST /v1/completions',
      'POST /v1/embeddings',
      'GET /api/tags',
      'POST /api/chat',
      'POST /api/generate',
      'POST /api/embed',
    ]);
    expect(serverOrigin('http://127.0.0.1:1234/v1')).toBe('http://127.0.0.1:1234');
    expect(shellQuote("a'b")).toBe(`'a'\\''b'`);
  });
});

describe('request log reducer', () => {
  it('keeps newest first, each id once, bounded', () => {
    let log = addLogEntries([], [entry(1), entry(2)]);
    log = addLogEntries(log, [entry(3)]);
    log = addLogEntries(log, [entry(2), entry(3)]);
    expect(log.map((e) => e.id)).toEqual([3, 2, 1]);
    expect(addLogEntries(log, [entry(4), entry(5)], 3).map((e) => e.id)).toEqual([5, 4, 3]);
    expect(addLogEntries(log, [])).toBe(log);
    expect(addLogEntries(log, [log[0]!])).toBe(log);
  });

  it('formats tokens and durations', () => {
    expect(formatTokens(entry(1))).toBe('–');
    expect(formatTokens(entry(1, { promptTokens: 12, completionTokens: 40 }))).toBe('12 → 40');
    expect(formatDuration(840.4)).toBe('840 ms');
    expect(formatDuration(12_345)).toBe('12.3 s');
  });
});

describe('settings validation', () => {
  it('accepts a port and origins and maps the LAN box to the host', () => {
    const result = validateForm({ port: ' 8080 ', lan: true, corsOrigins: 'http://localhost:3000/,\nhttps://a.example http://localhost:3000' });
    expect(result).toEqual({ ok: true, args: { port: 8080, host: '0.0.0.0', corsOrigins: ['http://localhost:3000', 'https://a.example'] } });
    // 0 ("any free port") would move the server on every restart.
    expect(validateForm({ port: '0', lan: false, corsOrigins: '' }).ok).toBe(false);
    expect(formFromSettings({ ...settings, port: 0 }).port).toBe('1234');
  });

  it('says what is wrong with the port and the origins', () => {
    const result = validateForm({ port: '70000', lan: false, corsOrigins: 'http://x.example/path' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.port).toMatch(/1 to 65535/);
    expect(result.errors.corsOrigins).toMatch(/Not an origin: http:\/\/x.example\/path/);
    expect(validateForm({ port: '12a', lan: false, corsOrigins: '' }).ok).toBe(false);
  });

  it('starts from the last used settings and notices changes', () => {
    expect(formFromSettings(null)).toEqual({ port: '1234', lan: false, corsOrigins: '' });
    expect(formFromSettings({ ...settings, host: '0.0.0.0', corsOrigins: ['*'] })).toEqual({ port: '1234', lan: true, corsOrigins: '*' });
    expect(differsFrom({ port: 1234, host: '127.0.0.1', corsOrigins: [] }, settings)).toBe(false);
    expect(differsFrom({ port: 1235, host: '127.0.0.1', corsOrigins: [] }, settings)).toBe(true);
    expect(differsFrom({ port: 1234, host: '127.0.0.1', corsOrigins: ['*'] }, settings)).toBe(true);
    expect(parseOrigins('  ')).toEqual([]);
  });

  it('generates 256-bit url-safe keys from the random source', () => {
    const key = generateApiKey();
    expect(key).toMatch(/^hearth-[A-Za-z0-9_-]{43}$/);
    expect(generateApiKey()).not.toBe(key);
    expect(generateApiKey((bytes) => bytes.fill(255))).toBe(`hearth-${'_'.repeat(42)}8`);
  });
});

describe('server store', () => {
  const running = (patch: Partial<ApiServerStatus> = {}): ApiServerStatus => ({
    running: true,
    settings,
    apiKeySet: true,
    port: 1234,
    baseUrl: 'http://127.0.0.1:1234/v1',
    ...patch,
  });

  beforeEach(() => {
    useServerStore.setState({ status: null, draft: null, keyChange: { kind: 'keep' }, knownKey: null, actionError: null, log: [] });
    vi.clearAllMocks();
  });

  it('sends the new key once, then knows it; null clears it; keep leaves it out', async () => {
    const draft = formFromSettings(settings);
    expect(startArgs(draft, { kind: 'keep' })).toEqual({ port: 1234, host: '127.0.0.1', corsOrigins: [] });
    expect(startArgs(draft, { kind: 'none' })).toMatchObject({ apiKey: null });
    expect(startArgs({ ...draft, port: 'x' }, { kind: 'keep' })).toBeNull();

    useServerStore.getState().applyStatus({ running: false, settings, apiKeySet: false });
    useServerStore.getState().generateKey();
    const { keyChange } = useServerStore.getState();
    calls.start.mockResolvedValue(running());
    expect(await useServerStore.getState().start()).toBe(true);
    expect(calls.start).toHaveBeenCalledWith(expect.objectContaining({ apiKey: keyChange.kind === 'new' && keyChange.key }));
    const state = useServerStore.getState();
    expect(state.keyChange).toEqual({ kind: 'keep' });
    expect(state.knownKey).toMatch(/^hearth-/);
    expect(exampleKey(state)).toBe(state.knownKey);
    expect(exampleKey({ status: running(), knownKey: null })).toBe('$HEARTH_API_KEY');
  });

  it('keeps the reason a start failed beside the toggle', async () => {
    useServerStore.getState().applyStatus({ running: false, settings, apiKeySet: false });
    calls.start.mockRejectedValue(new Error('Port 1234 is already in use on 127.0.0.1; choose another port.'));
    expect(await useServerStore.getState().start()).toBe(false);
    expect(useServerStore.getState().actionError).toMatch(/already in use/);
  });
});
