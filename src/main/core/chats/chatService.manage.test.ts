import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChatChanged } from '../../../shared/chatDto';
import { sampleConversation, scriptedGenerate } from '../../testing/chatFixtures';
import { EventBus } from '../events/eventBus';
import { silentLogger } from '../logging/logger';
import { residentModels } from './chatTestModels';
import { ChatService } from './chatService';

// Managing chats: search, export/import, delete/restore, overrides, quarantine reporting.
let dataDir: string;
let service: ChatService;
let changes: ChatChanged[];
const noCaller = { signal: new AbortController().signal, emit: () => {} };

async function openService(): Promise<ChatService> {
  const events = new EventBus();
  events.subscribe((name, payload) => name === 'chats.changed' && changes.push(payload as ChatChanged));
  return ChatService.open({ dataDir, generate: scriptedGenerate().generate, ...residentModels('m.gguf'), events, logger: silentLogger, changeIntervalMs: 0 });
}

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'hearth-chatmanage-'));
  changes = [];
  service = await openService();
});
afterEach(async () => {
  await service.dispose();
  await rm(dataDir, { recursive: true, force: true });
});

describe('ChatService management', () => {
  it('searches titles and the text of every message, case-insensitively, with a snippet', async () => {
    const a = await service.create({ title: 'Baking Bread' });
    const b = await service.create({});
    await service.send({ chatId: b.id, content: `${'filler words here '.repeat(5)}How long should SOURDOUGH rise? ${'more text after '.repeat(5)}` }, noCaller);
    const c = await service.create({});
    await service.send({ chatId: c.id, content: 'unrelated' }, noCaller);

    const hits = service.search({ query: 'sourdough' });
    expect(hits).toHaveLength(1);
    const hit = hits[0]!;
    expect(hit).toMatchObject({ chatId: b.id, field: 'message' });
    expect(hit.snippet.startsWith('…')).toBe(true);
    expect(hit.snippet.endsWith('…')).toBe(true);
    expect(hit.snippet.slice(hit.matchStart, hit.matchStart + hit.matchLength)).toBe('SOURDOUGH');
    expect(service.search({ query: 'bread' })).toEqual([expect.objectContaining({ chatId: a.id, field: 'title', snippet: 'Baking Bread', matchStart: 7 })]);
    // Replies and older versions are searched too.
    expect(service.search({ query: 'FRIEND.' }).map((h) => h.chatId).sort()).toEqual([b.id, c.id].sort());
    expect(service.search({ query: 'nothing like this' })).toEqual([]);
    expect(service.search({ query: 'e', limit: 2 })).toHaveLength(2);
  });

  it('exports Markdown and JSON; a JSON import brings the same chat back under a new id, never overwriting', async () => {
    const chat = await service.create({ title: 'Trip / plans?', systemPrompt: 'Plan well.' });
    await service.send({ chatId: chat.id, content: 'Where to?' }, noCaller);
    const markdown = service.export(chat.id, 'markdown');
    expect(markdown.fileName).toBe('Trip plans.md');
    expect(markdown.text).toContain('# Trip / plans?');
    expect(markdown.text).toContain('## System\n\nPlan well.');
    expect(markdown.text).toContain('## User\n\nWhere to?');
    expect(markdown.text).toMatch(/## Assistant\n\nHello there, friend\.\n\n_m\.gguf · 5 tokens · [\d.]+ tokens\/s · first token \d+ ms_/);

    const json = service.export(chat.id, 'json');
    const imported = await service.import(json.text);
    expect(imported.id).not.toBe(chat.id);
    const original = service.get(chat.id);
    expect({ ...service.get(imported.id), id: chat.id }).toEqual(original);

    // A chat whose id is free keeps it.
    const elsewhere = JSON.stringify(sampleConversation('from-another-machine'));
    expect((await service.import(elsewhere)).id).toBe('from-another-machine');
    expect(service.list().chats).toHaveLength(3);
  });

  it('refuses bad imports with a clear BAD_REQUEST', async () => {
    const cases: Array<[string, RegExp]> = [
      ['not json', /not valid JSON/],
      ['[]', /not a JSON object/],
      [JSON.stringify({ ...sampleConversation('x'), schemaVersion: 42 }), /newer Hearth/],
      [JSON.stringify({ ...sampleConversation('x'), id: '../../etc/passwd' }), /id/],
      [JSON.stringify({ ...sampleConversation('x'), messages: [{ id: 'a', parentId: 'a', role: 'user', content: '', createdAt: 'now' }] }), /cycle/],
    ];
    for (const [text, reason] of cases) {
      await expect(service.import(text)).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(reason) });
    }
    expect(service.list().chats).toEqual([]);
  });

  it('deletes to the trash (stopping its reply) and restores; every change is announced', async () => {
    const chat = await service.create({});
    const reply = service.send({ chatId: chat.id, content: 'hi' }, noCaller);
    await expect(service.delete(chat.id)).resolves.toEqual({ deleted: true });
    expect((await reply).message.reply).toMatchObject({ status: 'stopped', stopReason: 'abort' });
    expect(service.list().chats).toEqual([]);
    expect(() => service.get(chat.id)).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    expect(await readdir(join(dataDir, 'chats', 'trash'))).toEqual([`${chat.id}.json`]);
    expect(changes.at(-1)).toEqual({ chatId: chat.id, change: 'deleted', generating: false });

    // Deleted chats stay deleted across a restart, and can still be restored after it.
    await service.dispose();
    service = await openService();
    expect(service.list().chats).toEqual([]);
    const restored = await service.restore(chat.id);
    expect(restored).toMatchObject({ id: chat.id, messageCount: 2 });
    expect(changes.at(-1)).toEqual({ chatId: chat.id, change: 'updated', generating: false });
    await expect(service.restore(chat.id)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(service.restore('never-was')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('keeps per-chat overrides and clears them with null', async () => {
    const chat = await service.create({});
    const set = await service.setOverrides({ chatId: chat.id, systemPrompt: 'Speak French.', params: { temperature: 0.1, maxTokens: 9 } });
    expect(set.overrides).toEqual({ systemPrompt: 'Speak French.', params: { temperature: 0.1, maxTokens: 9 } });
    const kept = await service.setOverrides({ chatId: chat.id, params: null });
    expect(kept.overrides).toEqual({ systemPrompt: 'Speak French.' });
    expect((await service.setOverrides({ chatId: chat.id, systemPrompt: null })).overrides).toEqual({});
  });

  it('reports quarantined files in the list and loads the rest; a reply cut off by a crash is marked', async () => {
    await service.dispose();
    const interrupted = sampleConversation('cut-off');
    interrupted.messages[1]!.reply = { modelId: 'm.gguf', params: {}, status: 'streaming' };
    await writeFile(join(dataDir, 'chats', 'cut-off.json'), JSON.stringify(interrupted));
    await writeFile(join(dataDir, 'chats', 'broken.json'), '{ nope');
    service = await openService();
    const list = service.list();
    expect(list.chats.map((c) => c.id)).toEqual(['cut-off']);
    expect(list.quarantined).toEqual([expect.objectContaining({ fileName: 'broken.json', reason: 'not valid JSON' })]);
    expect(service.get('cut-off').messages[1]!.reply).toMatchObject({ status: 'error', stopReason: 'error', error: expect.stringContaining('stopped before') });
    expect(service.get('cut-off').messages[1]!.content).toBe('Rayleigh scattering.');
  });
});
