import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sampleConversation } from '../../testing/chatFixtures';
import { silentLogger } from '../logging/logger';
import { parseConversation } from './chatFile';
import { CURRENT_CHAT_SCHEMA } from './chatMigrations';
import { ChatStore, TRASH_RETENTION_MS } from './chatStore';
import { SerialWriter } from './serialWriter';
import { activePath } from './chatTree';

let dir: string;
let store: ChatStore;

beforeEach(async () => {
  dir = join(await mkdtemp(join(tmpdir(), 'hearth-chats-')), 'chats');
  store = new ChatStore(dir, silentLogger);
  await store.loadAll();
});
afterEach(() => rm(join(dir, '..'), { recursive: true, force: true }));

describe('ChatStore', () => {
  it('round-trips a conversation through its file', async () => {
    const conversation = sampleConversation('round-trip');
    await store.save(conversation);
    const reloaded = await new ChatStore(dir, silentLogger).loadAll();
    expect(reloaded.quarantined).toEqual([]);
    expect(reloaded.conversations).toEqual([conversation]);
  });

  it('migrates a version 0 file (linear list, system message, no versions) to the current tree', async () => {
    const v0 = {
      id: 'old-chat',
      title: 'From before',
      createdAt: '2024-05-01T10:00:00.000Z',
      updatedAt: '2024-05-01T10:05:00.000Z',
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'hello' },
        { role: 'assistant', content: 'hi', modelId: 'x.gguf', stats: { completionTokens: 1, stopReason: 'eos' } },
        { role: 'user', content: 'bye' },
      ],
    };
    await writeFile(join(dir, 'old-chat.json'), JSON.stringify(v0));
    const { conversations, quarantined } = await new ChatStore(dir, silentLogger).loadAll();
    expect(quarantined).toEqual([]);
    const chat = conversations[0]!;
    expect(chat).toMatchObject({ schemaVersion: CURRENT_CHAT_SCHEMA, id: 'old-chat', title: 'From before', titleSource: 'user', overrides: { systemPrompt: 'You are terse.' } });
    expect(activePath(chat).map((m) => [m.role, m.content])).toEqual([
      ['user', 'hello'],
      ['assistant', 'hi'],
      ['user', 'bye'],
    ]);
    expect(chat.messages[1]!.reply).toMatchObject({ modelId: 'x.gguf', status: 'done', stopReason: 'eos', stats: { completionTokens: 1 } });
  });

  it('quarantines unreadable files with the reason, loads the others, leaves newer-schema files alone', async () => {
    await store.save(sampleConversation('good'));
    await writeFile(join(dir, 'torn.json'), '{"schemaVersion":1,"id":"torn","tit');
    await writeFile(join(dir, 'wrong.json'), JSON.stringify({ ...sampleConversation('wrong'), messages: [{ id: 'x', parentId: 'nowhere', role: 'user', content: '', createdAt: 'y' }] }));
    await writeFile(join(dir, 'other-id.json'), JSON.stringify(sampleConversation('someone-else')));
    await writeFile(join(dir, 'future.json'), JSON.stringify({ ...sampleConversation('future'), schemaVersion: 99 }));
    const { conversations, quarantined } = await new ChatStore(dir, silentLogger).loadAll();
    expect(conversations.map((c) => c.id)).toEqual(['good']);
    const byName = Object.fromEntries(quarantined.map((q) => [q.fileName, q]));
    expect(byName['torn.json']!.reason).toBe('not valid JSON');
    expect(byName['wrong.json']!.reason).toContain('missing message nowhere');
    expect(byName['other-id.json']!.reason).toContain('someone-else');
    expect(byName['future.json']).toMatchObject({ movedTo: null, reason: expect.stringContaining('newer Hearth') });
    // Moved aside with the reason beside it; the newer file stays where its Hearth expects it.
    const left = (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
    expect(left).toEqual(['future.json', 'good.json']);
    const reasonFile = await readFile(`${byName['torn.json']!.movedTo!}.reason.txt`, 'utf8');
    expect(reasonFile).toContain('not valid JSON');
    expect(await readFile(byName['torn.json']!.movedTo!, 'utf8')).toContain('"tit');
  });

  it('serialises writes to one file: the last state wins, whatever order they finish in', async () => {
    const conversation = sampleConversation('busy');
    const writes = [];
    for (let i = 0; i < 40; i++) {
      conversation.messages[1]!.content = `version ${i} ${'x'.repeat(i * 1000)}`;
      writes.push(store.save(conversation));
    }
    await Promise.all(writes);
    const onDisk = parseConversation(await readFile(join(dir, 'busy.json'), 'utf8'));
    expect(onDisk.messages[1]!.content.startsWith('version 39 ')).toBe(true);
    expect((await readdir(dir)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses ids that could name another path', () => {
    for (const id of ['../x', 'a/b', '', '.', '..', 'a'.repeat(65), '__proto__', 'c:\\x']) {
      expect(() => store.pathOf(id)).toThrow(/Invalid chat id/);
    }
  });

  it('trashes and restores; a late write cannot recreate a trashed chat; expired trash is emptied', async () => {
    const conversation = sampleConversation('bin');
    await store.save(conversation);
    await store.trash('bin');
    await store.save(conversation);
    expect(await readdir(dir)).not.toContain('bin.json');
    expect(await store.exists('bin')).toBe(true);
    expect((await store.restore('bin')).id).toBe('bin');
    expect(await readdir(dir)).toContain('bin.json');

    await store.trash('bin');
    const old = new Date(Date.now() - TRASH_RETENTION_MS - 60_000);
    await utimes(join(dir, 'trash', 'bin.json'), old, old);
    await new ChatStore(dir, silentLogger).loadAll();
    expect(await store.exists('bin')).toBe(false);
    await expect(store.restore('bin')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('removes temp files a dead writer left behind, but not young ones', async () => {
    await mkdir(dir, { recursive: true });
    const stale = join(dir, '.gone.json.1.aa.tmp');
    const young = join(dir, '.live.json.2.bb.tmp');
    await writeFile(stale, 'partial');
    await writeFile(young, 'partial');
    const old = new Date(Date.now() - 120_000);
    await utimes(stale, old, old);
    await new ChatStore(dir, silentLogger).loadAll();
    await expect(stat(stale)).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(stat(young)).resolves.toBeTruthy();
  });
});

describe('SerialWriter', () => {
  it('keeps the newest state after a failed write and writes it on the next write or flush', async () => {
    const written: string[] = [];
    let failNext = true;
    const writer = new SerialWriter(async (_key, data) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (failNext) {
        failNext = false;
        throw new Error('disk full');
      }
      written.push(data);
    });
    const first = writer.write('a', 'v1');
    const second = writer.write('a', 'v2');
    await expect(first).rejects.toThrow('disk full');
    await expect(second).rejects.toThrow('disk full');
    await writer.flush();
    expect(written).toEqual(['v2']);
  });
});
