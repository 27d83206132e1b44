import { randomBytes } from 'node:crypto';
import type { ChatMessageNode, ChatReplyChunk, ChatReplyResult, Conversation, ReplyInfo } from '../../../shared/chatDto';
import type { CallContext } from '../../../shared/contract';
import type { ResponseFormat, SamplingParams } from '../../../shared/dto';
import { AppError, toErrorShape } from '../../../shared/errors';
import type { GenerationCaller } from '../engine/replyCall';
import type { Logger } from '../logging/logger';
import { autoTitle } from './autoTitle';
import { usableParams, usableResponseFormat } from './chatFile';
import { replyModel, type ChatModelLookup } from './chatModels';
import { answerCall, MAX_TOOL_ROUNDS, offerChatTools, requestTools, STOPPED_TEXT, storedCall, type ToolRunDeps } from './chatTools';
import { addMessage, pathTo } from './chatTree';
import { DEFAULT_MAX_TOKENS } from './contextWindow';
import { ReplyFanout } from './replyFanout';
import { generateFitting, type ChatGenerate } from './replyPrompt';

/** Longest a partial reply waits in memory before it is written to disk, in ms. */
export const CHECKPOINT_INTERVAL_MS = 1_000;
/** Longest shutdown waits for running replies to stop and save, in ms. */
const DISPOSE_WAIT_MS = 5_000;


/** What the runner needs from the service that owns the conversations. */
export interface ReplyHost {
  /** The live conversation; throws NOT_FOUND. */
  conversation(chatId: string): Conversation;
  /** Queues a write of the conversation and tells every window it changed; resolves when written. */
  persist(conversation: Conversation): Promise<void>;
}

export interface ReplyRunnerOptions {
  generate: ChatGenerate;
  /** Which models are resident: a reply is written by its chat's model (else the primary one). */
  models: ChatModelLookup;
  host: ReplyHost;
  logger: Logger;
  checkpointIntervalMs?: number;
  /** MCP tools for chats that enable them (see `chatTools.ts`); absent = replies never call tools. */
  tools?: Omit<ToolRunDeps, 'persist'>;
  /** Most rounds of tool calls per reply (default {@link MAX_TOOL_ROUNDS}). */
  maxToolRounds?: number;
}

interface RunningReply {
  messageId: string;
  /** Aborted only by an explicit stop (or shutdown): never because a caller went away. */
  controller: AbortController;
  /** The callers receiving this reply's chunks: the one that asked, and any that attached. */
  fanout: ReplyFanout;
  /** The reply as stored once it ended; rejects with what made it fail. */
  result: Promise<ChatReplyResult>;
  /** Settles once the reply ended and its final state was handed to the store. */
  done: Promise<unknown>;
}

/**
 * Runs replies: appends the messages a call creates, streams the engine's chunks to the caller
 * that asked (and to callers that attach later), checkpoints the partial reply every
 * {@link CHECKPOINT_INTERVAL_MS} and keeps how it ended (done, stopped, failed) with the engine's stats.
 *
 * A reply belongs to core, not to the page that asked for it: a caller going away (a reload, a
 * closed tab) only ends its own stream. Only {@link stop} (`chats.stop`) or shutdown stops a reply.
 *
 * One reply per conversation at a time: a second send, regenerate or edit while one runs is
 * refused with BUSY, not queued. A queued message would be answered against a conversation the
 * user has not read yet, and the engine already queues replies across conversations fairly.
 *
 * Each chat keeps its own model (see `chatModels.ts`): replies in two chats on two resident models
 * run at the same time, each on its own engine.
 */
export class ReplyRunner {
  private readonly running = new Map<string, RunningReply>();
  private closed = false;

  constructor(private readonly options: ReplyRunnerOptions) {}

  isRunning(chatId: string): boolean {
    return this.running.has(chatId);
  }

  streamingMessageId(chatId: string): string | null {
    return this.running.get(chatId)?.messageId ?? null;
  }

  /** Stops the reply running in `chatId`; what was written so far is kept. */
  stop(chatId: string): boolean {
    const reply = this.running.get(chatId);
    reply?.controller.abort();
    return reply !== undefined;
  }

  /**
   * Streams the reply running in `chatId` to another caller: the ids and the text so far at once,
   * then the rest. Resolves with the reply as stored when it ends, or null when none is running.
   */
  attach(chatId: string, caller: CallContext<ChatReplyChunk>): Promise<ChatReplyResult | null> {
    const reply = this.running.get(chatId);
    if (!reply) return Promise.resolve(null);
    reply.fanout.add(caller);
    return reply.result;
  }

  /** Stops the reply in `chatId`, if any, and waits until its end is saved. */
  async stopAndWait(chatId: string): Promise<void> {
    const reply = this.running.get(chatId);
    if (!reply) return;
    reply.controller.abort();
    await reply.done;
  }

  /**
   * Adds what `prepare` appends (it returns the user message to answer), then the reply to it.
   * Resolves with the reply as stored once it ended (stopped replies too); a failed reply is
   * stored with its error and the error is thrown to the caller.
   */
  run(
    chatId: string,
    prepare: (conversation: Conversation) => ChatMessageNode,
    args: { requestId?: string | undefined; params?: SamplingParams | undefined; responseFormat?: ResponseFormat | undefined },
    caller: CallContext<ChatReplyChunk>,
  ): Promise<ChatReplyResult> {
    if (this.closed) throw new AppError('ENGINE_ERROR', 'Hearth is stopping.');
    const conversation = this.options.host.conversation(chatId);
    if (this.running.has(chatId)) {
      throw new AppError('BUSY', 'A reply is still being written in this chat. Stop it or wait for it to finish.', { retryAfterMs: 1_000 });
    }
    // Refused before anything is added: a chat whose model is not resident stays as it was.
    const { modelId, name } = replyModel(conversation, this.options.models);
    // Everything above and up to `running.set` is synchronous: two calls at once cannot both pass.
    const user = prepare(conversation);
    // The first reply of a chat without a model records the one answering, so the chat stays on it
    // when the user later loads another model for another chat.
    if (!conversation.modelId) Object.assign(conversation, { modelId, modelName: name });
    // A default limit, so a small model cannot fill its whole context with one answer.
    const params = { maxTokens: DEFAULT_MAX_TOKENS, ...usableParams(conversation.overrides.params), ...args.params };
    const format = args.responseFormat ?? usableResponseFormat(conversation.overrides.responseFormat);
    const responseFormat = format && format.type !== 'text' ? format : undefined;
    const reply: ChatMessageNode = {
      id: newMessageId(),
      parentId: user.id,
      role: 'assistant',
      content: '',
      createdAt: new Date().toISOString(),
      reply: { modelId, params, status: 'streaming', ...(responseFormat ? { responseFormat } : {}) },
    };
    addMessage(conversation, reply);
    const controller = new AbortController();
    const fanout = new ReplyFanout();
    fanout.add(caller);
    const entry: RunningReply = { messageId: reply.id, controller, fanout, result: Promise.resolve(null as never), done: Promise.resolve() };
    this.running.set(chatId, entry);
    const result = this.generate(conversation, user, reply, args.requestId ?? `chat-${reply.id}`, fanout, controller.signal);
    entry.result = result;
    entry.done = result.catch(() => {});
    return result;
  }

  private async generate(
    conversation: Conversation,
    user: ChatMessageNode,
    reply: ChatMessageNode,
    requestId: string,
    fanout: ReplyFanout,
    stopSignal: AbortSignal,
  ): Promise<ChatReplyResult> {
    const info = reply.reply!;
    let dirty = false;
    const checkpoint = () => {
      if (!dirty) return;
      dirty = false;
      this.options.host.persist(conversation).catch((error) => this.options.logger.warn('chat checkpoint failed', { chatId: conversation.id, error: String(error) }));
    };
    const timer = setInterval(checkpoint, this.options.checkpointIntervalMs ?? CHECKPOINT_INTERVAL_MS);
    let failure: unknown;
    try {
      await this.options.host.persist(conversation);
      fanout.emit({ type: 'started', chatId: conversation.id, userMessageId: user.id, messageId: reply.id });
      const emit = (chunk: Parameters<GenerationCaller['emit']>[0]) => {
        if (chunk.type === 'tokens') {
          reply.content += chunk.text;
          dirty = true;
        }
        fanout.emit(chunk);
      };
      const tools = await this.offerTools(conversation, info);
      let stopped = false;
      for (;;) {
        // Required applies to the first round only: later rounds may answer (else every round calls, up to the cap).
        const toolChoice = conversation.toolUse === 'required' && !reply.toolRounds?.length ? 'required' : 'auto';
        const result = await generateFitting(this.options, conversation, user, reply, requestId, { signal: stopSignal, emit }, { tools: requestTools(tools), toolChoice });
        reply.content = result.text;
        info.stats = result.stats;
        if (result.json) info.json = result.json;
        info.stopReason = result.stats.stopReason;
        if (!result.toolCalls?.length || !this.options.tools) break;
        // The text so far and the calls become a round; the next round's text streams from empty.
        const calls = result.toolCalls.map((call) => storedCall(call, tools));
        const rounds = (reply.toolRounds ??= []);
        rounds.push({ content: result.text, calls });
        reply.content = '';
        fanout.emit({ type: 'toolRound', round: rounds.length - 1 });
        const max = this.options.maxToolRounds ?? MAX_TOOL_ROUNDS;
        if (rounds.length > max) {
          for (const call of calls) call.result = { content: 'Not run: the reply reached its limit of tool rounds.', isError: true, truncated: false };
          addNotice(info, `Stopped after ${max} round${max === 1 ? '' : 's'} of tool calls, the most one reply may make. Send a message to let the model go on.`);
          break;
        }
        const deps: ToolRunDeps = { ...this.options.tools, persist: () => this.options.host.persist(conversation) };
        for (const call of calls) {
          if (stopped) call.result = { content: STOPPED_TEXT, isError: true, truncated: false };
          else stopped = !(await answerCall(call, { chatId: conversation.id, messageId: reply.id }, deps, stopSignal));
        }
        await this.options.host.persist(conversation);
        if (stopped) break;
      }
      if (stopped) info.stopReason = 'abort';
      info.status = info.stopReason === 'abort' ? 'stopped' : 'done';
    } catch (error) {
      failure = error;
      info.status = 'error';
      info.stopReason = 'error';
      info.error = toErrorShape(error).message;
    } finally {
      clearInterval(timer);
      fanout.close();
    }
    if (conversation.titleSource === 'default') {
      const first = pathTo(conversation, user.id)[0];
      const title = first?.role === 'user' ? autoTitle(first.content) : null;
      if (title) Object.assign(conversation, { title, titleSource: 'auto' });
    }
    // Not running any more before the final write, so its change notice says so.
    this.running.delete(conversation.id);
    await this.options.host.persist(conversation).catch((error) => {
      this.options.logger.error('could not save the end of a reply', { chatId: conversation.id, error: String(error) });
      failure ??= error;
    });
    if (failure) throw failure;
    return { chatId: conversation.id, userMessageId: user.id, message: structuredClone(reply) };
  }

  /** The tools of the chat's MCP sources; a server that cannot start is left out and named in the reply's notice. */
  private async offerTools(conversation: Conversation, info: ReplyInfo) {
    const sources = conversation.toolSources ?? [];
    if (!this.options.tools || sources.length === 0) return [];
    const { tools, failures } = await offerChatTools(this.options.tools.host, sources);
    for (const failure of failures) addNotice(info, `The tools of MCP server "${failure.server}" are not available: ${failure.reason}`);
    return tools;
  }

  /** Refuses new replies, stops the running ones and waits (bounded) for their ends to be saved. */
  async dispose(): Promise<void> {
    this.closed = true;
    const pending = [...this.running.values()];
    for (const reply of pending) reply.controller.abort();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, DISPOSE_WAIT_MS)));
    await Promise.race([Promise.all(pending.map((reply) => reply.done)), timeout]);
    clearTimeout(timer);
  }
}

function addNotice(info: ReplyInfo, text: string): void {
  info.notice = info.notice ? `${info.notice}\n${text}` : text;
}

export function newMessageId(): string {
  return randomBytes(8).toString('hex');
}
