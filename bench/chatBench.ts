/**
 * `npm run bench:chat`: the chat workspace's "Done when" numbers, core side.
 *
 * 1. Prefix reuse: one conversation of TURNS turns through `chats.send` (the whole core: dispatcher,
 *    chat store on disk, a real forked engine process, 1 thread) on the generated SmolLM2-135M-shaped
 *    Q4_0 file, greedy, REPLY_TOKENS per reply. Per turn: time to first token, prompt tokens and
 *    how many of them came from the cache (`cachedPromptTokens`). Repeated REPS times with a new
 *    conversation each time; the median per turn is reported.
 * 2. Opening: LIST_CHATS stored chats — how long `ChatService.open` (reading every file, the index)
 *    and `chats.list` take; and `chats.get` of a 2,000-message conversation. Median of REPS.
 * Prints a table and writes JSON to bench/results/.
 */
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoConversation } from '../e2e/support/demoChat';
import { serializeConversation } from '../src/main/core/chats/chatFile';
import { ChatService } from '../src/main/core/chats/chatService';
import { EventBus } from '../src/main/core/events/eventBus';
import { silentLogger } from '../src/main/core/logging/logger';
import { fixtureModel } from '../src/main/testing/fixtureModels';
import { createTestCore } from '../src/main/testing/testCore';
import type { ChatDetail, ChatReplyResult } from '../src/shared/chatDto';

const REPS = Number(process.env.BENCH_REPS ?? 3);
const TURNS = 10;
const REPLY_TOKENS = 32;
const CONTEXT = 2048;
const LIST_CHATS = 500;
const LONG_CHAT_TURNS = 1_000;
const MODEL_ID = 'hearth-smollm2-135m-q4_0.gguf';

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

interface TurnRow {
  turn: number;
  ttftMs: number;
  promptTokens: number;
  cachedPromptTokens: number;
}

/** TTFT and cache reuse per turn of one conversation, median over REPS conversations. */
async function prefixReuse(): Promise<TurnRow[]> {
  const test = await createTestCore();
  try {
    await copyFile(await fixtureModel({ preset: 'smollm2-135m', type: 'Q4_0' }), join(test.modelsDir, MODEL_ID));
    const call = <T>(method: string, args: unknown) => test.core.dispatch(method, args, {}) as Promise<T>;
    await call('inference.loadModel', { modelId: MODEL_ID, contextSize: CONTEXT, parallel: 1, threads: 1, force: true });
    const runs: TurnRow[][] = [];
    for (let rep = 0; rep < REPS; rep++) {
      const chat = await call<ChatDetail>('chats.create', { systemPrompt: 'You are a helpful assistant.', params: { temperature: 0, maxTokens: REPLY_TOKENS } });
      const rows: TurnRow[] = [];
      for (let turn = 1; turn <= TURNS; turn++) {
        const content = `Run ${rep}, question ${turn}: what is a good way to keep bread fresh for a week in a warm kitchen?`;
        const result = await call<ChatReplyResult>('chats.send', { chatId: chat.id, content });
        const stats = result.message.reply!.stats!;
        rows.push({ turn, ttftMs: stats.timeToFirstTokenMs, promptTokens: stats.promptTokens, cachedPromptTokens: stats.cachedPromptTokens });
      }
      runs.push(rows);
    }
    return runs[0]!.map((_, i) => ({
      turn: i + 1,
      ttftMs: round(median(runs.map((r) => r[i]!.ttftMs))),
      promptTokens: median(runs.map((r) => r[i]!.promptTokens)),
      cachedPromptTokens: median(runs.map((r) => r[i]!.cachedPromptTokens)),
    }));
  } finally {
    await test.cleanup();
  }
}

/** Start-up index, `chats.list` over LIST_CHATS chats and `chats.get` of a 2,000-message chat, in ms. */
async function opening(): Promise<{ openMs: number; listMs: number; getLongMs: number; files: number }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'hearth-chatbench-'));
  try {
    const chatsDir = join(dataDir, 'chats');
    await mkdir(chatsDir, { recursive: true });
    for (let i = 0; i < LIST_CHATS; i++) {
      const chat = demoConversation(MODEL_ID, { id: `chat-${i}`, title: `Chat ${i}`, turns: 5 });
      await writeFile(join(chatsDir, `${chat.id}.json`), serializeConversation(chat));
    }
    const long = demoConversation(MODEL_ID, { id: 'long-chat', title: 'Long', turns: LONG_CHAT_TURNS });
    await writeFile(join(chatsDir, `${long.id}.json`), serializeConversation(long));
    const openTimes: number[] = [];
    const listTimes: number[] = [];
    const getTimes: number[] = [];
    for (let rep = 0; rep < REPS; rep++) {
      let started = performance.now();
      const service = await ChatService.open({ dataDir, generate: () => Promise.reject(new Error('unused')), residentModel: () => undefined, primaryModelId: () => null, events: new EventBus(), logger: silentLogger });
      openTimes.push(performance.now() - started);
      started = performance.now();
      const list = service.list();
      listTimes.push(performance.now() - started);
      if (list.chats.length !== LIST_CHATS + 1) throw new Error(`expected ${LIST_CHATS + 1} chats, got ${list.chats.length}`);
      started = performance.now();
      const detail = service.get(long.id);
      // What a window receives: the detail as JSON text.
      JSON.stringify(detail);
      getTimes.push(performance.now() - started);
      if (detail.activePath.length !== 2 * LONG_CHAT_TURNS) throw new Error(`expected ${2 * LONG_CHAT_TURNS} messages shown`);
      await service.dispose();
    }
    return { openMs: round(median(openTimes)), listMs: round(median(listTimes), 2), getLongMs: round(median(getTimes), 2), files: LIST_CHATS + 1 };
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const turns = await prefixReuse();
  console.log(`\nChat turns through core.chats.send (SmolLM2-135M-shaped Q4_0, 1 thread, ${REPLY_TOKENS}-token replies, median of ${REPS}):`);
  console.table(turns);
  const first = turns[0]!;
  const tenth = turns[TURNS - 1]!;
  console.log(`TTFT turn 1: ${first.ttftMs} ms; turn ${TURNS}: ${tenth.ttftMs} ms (${tenth.cachedPromptTokens} of ${tenth.promptTokens} prompt tokens from the cache)`);
  const open = await opening();
  console.log(`\n${open.files} stored chats: open (read + index) ${open.openMs} ms; chats.list ${open.listMs} ms; chats.get of a ${2 * LONG_CHAT_TURNS}-message chat ${open.getLongMs} ms (median of ${REPS})`);
  const outDir = new URL('./results/', import.meta.url);
  await mkdir(outDir, { recursive: true });
  const file = new URL(`chat-${new Date().toISOString().replace(/[:.]/g, '-')}.json`, outDir);
  await writeFile(file, JSON.stringify({ date: new Date().toISOString(), reps: REPS, replyTokens: REPLY_TOKENS, contextSize: CONTEXT, turns, open }, null, 2));
  console.log(`\nWritten to ${file.pathname}`);
}

await main();
