import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type {
  ChatContextUsage,
  ChatDetail,
  ChatExport,
  ChatList,
  ChatMessageNode,
  ChatReplyChunk,
  ChatReplyResult,
  ChatSearchHit,
  ChatSummary,
  Conversation,
  QuarantinedChat,
  ToolApprovals,
} from '../../../shared/chatDto';
import type {
  ChatCreateArgs,
  ChatDecideToolCallArgs,
  ChatEditMessageArgs,
  ChatOverridesArgs,
  ChatRegenerateArgs,
  ChatRevokeToolApprovalArgs,
  ChatSearchArgs,
  ChatSendArgs,
  ChatSetModelArgs,
  ChatSetToolsArgs,
} from '../../../shared/chatSchemas';
import type { CallContext } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import type { EventBus } from '../events/eventBus';
import type { Logger } from '../logging/logger';
import { ChangeNotifier } from './changeNotifier';
import { exportConversation } from './chatExport';
import { parseConversation } from './chatFile';
import { CURRENT_CHAT_SCHEMA } from './chatMigrations';
import { chatContextSize, chatModelFields, type ChatModelLookup } from './chatModels';
import { ReplyRunner, type ChatGenerate } from './chatReplies';
import { searchConversations } from './chatSearch';
import { ToolCallGate, type ChatToolHost } from './chatTools';
import { ToolApprovalStore } from './toolApprovals';
import { ChatStore } from './chatStore';
import { activePath, findMessage, removeSubtree, reveal } from './chatTree';
import { appendUserMessage, editedUserMessage, regenerateTarget } from './replyTargets';

export interface ChatServiceOptions extends ChatModelLookup {
  /** The app's data folder; chats live in `<dataDir>/chats`. Never a cache folder. */
  dataDir: string;
  /** Generates a reply (`InferenceService.chat`). */
  generate: ChatGenerate;
  events: EventBus;
  logger: Logger;
  /** Partial replies are written at least this often, in ms (default 1000). */
  checkpointIntervalMs?: number;
  /** Least time between two `chats.changed` of one chat, in ms (default 1000). */
  changeIntervalMs?: number;
  /** The MCP host (`McpService`); absent = chats cannot call tools. */
  mcp?: ChatToolHost;
  /** Most rounds of tool calls per reply (default `MAX_TOOL_ROUNDS`). */
  maxToolRounds?: number;
}

/**
 * The `chats.*` methods: conversations owned by core, so every window and tab sees the same chats.
 * All of them are kept in memory (the index, built on start; search reads message text) and every
 * change is written to that chat's file. `chats.changed` tells every window which chat changed —
 * at a reply's start and end and at its checkpoints, at most once a second per chat — never the
 * text itself, which streams only to the caller that asked and to callers that attach to it.
 */
export class ChatService {
  private readonly chats = new Map<string, Conversation>();
  private quarantined: QuarantinedChat[] = [];
  private readonly store: ChatStore;
  private readonly notifier: ChangeNotifier;
  private readonly replies: ReplyRunner;
  private readonly approvals: ToolApprovalStore;
  private readonly gate = new ToolCallGate();

  private constructor(private readonly options: ChatServiceOptions) {
    this.store = new ChatStore(join(options.dataDir, 'chats'), options.logger);
    this.notifier = new ChangeNotifier((chatId) => this.announce(chatId), options.changeIntervalMs);
    this.approvals = new ToolApprovalStore(options.dataDir, options.logger);
    this.replies = new ReplyRunner({
      generate: options.generate,
      models: options,
      logger: options.logger,
      checkpointIntervalMs: options.checkpointIntervalMs,
      ...(options.maxToolRounds !== undefined ? { maxToolRounds: options.maxToolRounds } : {}),
      ...(options.mcp
        ? { tools: { host: options.mcp, approvals: this.approvals, gate: this.gate, announce: (pending) => options.events.emit('chats.toolCallPending', pending) } }
        : {}),
      host: { conversation: (chatId) => this.live(chatId), persist: (conversation) => this.persist(conversation) },
    });
  }

  /** Loads every chat (quarantining unreadable files) and returns the ready service. */
  static async open(options: ChatServiceOptions): Promise<ChatService> {
    const service = new ChatService(options);
    const loaded = await service.store.loadAll();
    for (const conversation of loaded.conversations) service.chats.set(conversation.id, markInterrupted(conversation));
    service.quarantined = loaded.quarantined;
    return service;
  }

  list(): ChatList {
    const chats = [...this.chats.values()].map((c) => this.summary(c)).sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
    return { chats, quarantined: [...this.quarantined] };
  }

  get(chatId: string): ChatDetail {
    return this.detail(this.live(chatId));
  }

  async create(args: ChatCreateArgs): Promise<ChatDetail> {
    const now = new Date().toISOString();
    const conversation: Conversation = {
      schemaVersion: CURRENT_CHAT_SCHEMA,
      id: await this.freshId(),
      title: args.title ?? 'New chat',
      titleSource: args.title ? 'user' : 'default',
      createdAt: now,
      updatedAt: now,
      overrides: {
        ...(args.systemPrompt ? { systemPrompt: args.systemPrompt } : {}),
        ...(args.params ? { params: args.params } : {}),
        ...(args.responseFormat && args.responseFormat.type !== 'text' ? { responseFormat: args.responseFormat } : {}),
      },
      ...(args.modelId ? chatModelFields(args.modelId, this.options) : {}),
      messages: [],
      currentChild: {},
    };
    this.chats.set(conversation.id, conversation);
    await this.persist(conversation);
    return this.detail(conversation);
  }

  /** A user's title always wins: auto-titling never replaces it. */
  async rename(chatId: string, title: string): Promise<ChatSummary> {
    const conversation = this.live(chatId);
    Object.assign(conversation, { title, titleSource: 'user' });
    await this.persist(conversation);
    return this.summary(conversation);
  }

  /** Stops its reply, then moves the chat to the trash; `restore` undoes it (see TRASH_RETENTION_MS). */
  async delete(chatId: string): Promise<{ deleted: boolean }> {
    this.live(chatId);
    await this.replies.stopAndWait(chatId);
    if (!this.chats.delete(chatId)) return { deleted: false };
    await this.store.trash(chatId);
    this.notifier.notify(chatId);
    return { deleted: true };
  }

  async restore(chatId: string): Promise<ChatSummary> {
    if (this.chats.has(chatId)) throw new AppError('BAD_REQUEST', 'That chat is not deleted.');
    const conversation = markInterrupted(await this.store.restore(chatId));
    this.chats.set(chatId, conversation);
    this.notifier.notify(chatId);
    return this.summary(conversation);
  }

  search(args: ChatSearchArgs): ChatSearchHit[] {
    return searchConversations(this.chats.values(), args.query, args.limit);
  }

  export(chatId: string, format: 'markdown' | 'json'): ChatExport {
    return exportConversation(this.live(chatId), format);
  }

  /** Adds a conversation from a JSON export (any supported schema); a taken id gets a new one. */
  async import(text: string): Promise<ChatSummary> {
    let conversation: Conversation;
    try {
      conversation = markInterrupted(parseConversation(text));
    } catch (error) {
      throw new AppError('BAD_REQUEST', `This is not a Hearth chat export: ${error instanceof Error ? error.message : String(error)}.`);
    }
    if (this.chats.has(conversation.id) || (await this.store.exists(conversation.id))) conversation.id = await this.freshId();
    this.chats.set(conversation.id, conversation);
    await this.persist(conversation, false);
    return this.summary(conversation);
  }

  /** Appends a user message after the last one shown and replies to it. */
  async send(args: ChatSendArgs, caller: CallContext<ChatReplyChunk>): Promise<ChatReplyResult> {
    return this.replies.run(args.chatId, (conversation) => appendUserMessage(conversation, args.content), args, caller);
  }

  /** A new version of a reply (a sibling; the earlier ones stay switchable), or a reply to a user message. */
  async regenerate(args: ChatRegenerateArgs, caller: CallContext<ChatReplyChunk>): Promise<ChatReplyResult> {
    return this.replies.run(args.chatId, (conversation) => regenerateTarget(conversation, args.messageId), args, caller);
  }

  /** Edits a user message as a new branch (the old one stays reachable) and replies to it. */
  async editMessage(args: ChatEditMessageArgs, caller: CallContext<ChatReplyChunk>): Promise<ChatReplyResult> {
    return this.replies.run(args.chatId, (conversation) => editedUserMessage(conversation, args.messageId, args.content), args, caller);
  }

  /** Streams the reply being written in a chat to this caller too (text so far, then the rest); `reply: null` when none is. */
  async attachReply(chatId: string, caller: CallContext<ChatReplyChunk>): Promise<{ reply: ChatReplyResult | null }> {
    this.live(chatId);
    return { reply: await this.replies.attach(chatId, caller) };
  }

  /** Stops the reply being written in a chat; the text so far is kept, stop reason `abort`. */
  async stop(chatId: string): Promise<{ stopped: boolean }> {
    this.live(chatId);
    return { stopped: this.replies.stop(chatId) };
  }

  /** Shows `messageId` (and the branch it is on) instead of its siblings. */
  async switchVersion(chatId: string, messageId: string): Promise<ChatDetail> {
    const conversation = this.live(chatId);
    reveal(conversation, this.message(conversation, messageId).id);
    await this.persist(conversation);
    return this.detail(conversation);
  }

  /** Removes a message and everything under it; refused while a reply is being written here. */
  async deleteMessage(chatId: string, messageId: string): Promise<ChatDetail> {
    const conversation = this.live(chatId);
    this.message(conversation, messageId);
    if (this.replies.isRunning(chatId)) throw new AppError('BUSY', 'Stop the reply being written before deleting messages.', { retryAfterMs: 1_000 });
    removeSubtree(conversation, messageId);
    await this.persist(conversation);
    return this.detail(conversation);
  }

  async setOverrides(args: ChatOverridesArgs): Promise<ChatDetail> {
    const conversation = this.live(args.chatId);
    const overrides = { ...conversation.overrides };
    if (args.systemPrompt !== undefined) {
      if (args.systemPrompt) overrides.systemPrompt = args.systemPrompt;
      else delete overrides.systemPrompt;
    }
    if (args.params !== undefined) {
      if (args.params) overrides.params = args.params;
      else delete overrides.params;
    }
    if (args.responseFormat !== undefined) {
      if (args.responseFormat && args.responseFormat.type !== 'text') overrides.responseFormat = args.responseFormat;
      else delete overrides.responseFormat;
    }
    conversation.overrides = overrides;
    await this.persist(conversation);
    return this.detail(conversation);
  }

  /**
   * The model this chat talks to from now on; a reply running keeps the model it started with.
   * Not loaded here: until it is resident, replies are refused with a message naming it.
   */
  async setModel(args: ChatSetModelArgs): Promise<ChatDetail> {
    const conversation = this.live(args.chatId);
    Object.assign(conversation, chatModelFields(args.modelId, this.options));
    await this.persist(conversation);
    return this.detail(conversation);
  }

  /**
   * The MCP servers (or single tools) this chat's replies may call, from the next reply on. Names
   * are not checked against `mcp.json` here: a server missing at reply time is named in the
   * reply's notice, and the chat goes on without it.
   */
  async setTools(args: ChatSetToolsArgs): Promise<ChatDetail> {
    const conversation = this.live(args.chatId);
    if (args.sources.length) conversation.toolSources = args.sources;
    else delete conversation.toolSources;
    // `auto` is the default, so it is stored as absent (files stay as they were).
    if (args.toolUse === 'required') conversation.toolUse = 'required';
    else if (args.toolUse === 'auto') delete conversation.toolUse;
    await this.persist(conversation);
    return this.detail(conversation);
  }

  /** Answers a tool call waiting in this chat's running reply (see `chats.decideToolCall`). */
  async decideToolCall(args: ChatDecideToolCallArgs): Promise<{ decided: true }> {
    this.live(args.chatId);
    this.gate.decide(args.chatId, args.messageId, args.callId, args.decision);
    return { decided: true };
  }

  listToolApprovals(): Promise<ToolApprovals> {
    return this.approvals.list();
  }

  revokeToolApproval(args: ChatRevokeToolApprovalArgs): Promise<ToolApprovals> {
    return this.approvals.revoke(args.server, args.tool);
  }

  /** Stops running replies (their text is kept), then writes everything still queued. */
  async dispose(): Promise<void> {
    await this.replies.dispose();
    await this.store.flush();
    this.notifier.flush();
  }

  private live(chatId: string): Conversation {
    const conversation = this.chats.get(chatId);
    if (!conversation) throw new AppError('NOT_FOUND', 'That chat does not exist (it may have been deleted).');
    return conversation;
  }

  private message(conversation: Conversation, messageId: string): ChatMessageNode {
    const message = findMessage(conversation, messageId);
    if (!message) throw new AppError('NOT_FOUND', 'That message is not in this chat.');
    return message;
  }

  /** Writes a change (a user's edit also moves `updatedAt`) and announces it. */
  private async persist(conversation: Conversation, touch = true): Promise<void> {
    if (touch) conversation.updatedAt = new Date().toISOString();
    if (this.chats.get(conversation.id) !== conversation) return;
    this.notifier.notify(conversation.id);
    await this.store.save(conversation);
  }

  private announce(chatId: string): void {
    this.options.events.emit('chats.changed', {
      chatId,
      change: this.chats.has(chatId) ? 'updated' : 'deleted',
      generating: this.replies.isRunning(chatId),
    });
  }

  private async freshId(): Promise<string> {
    for (;;) {
      const id = randomUUID();
      if (!this.chats.has(id) && !(await this.store.exists(id))) return id;
    }
  }

  private summary(conversation: Conversation): ChatSummary {
    const path = activePath(conversation);
    return {
      id: conversation.id,
      title: conversation.title,
      updatedAt: conversation.updatedAt,
      messageCount: path.length,
      modelId: conversation.modelId ?? null,
      generating: this.replies.isRunning(conversation.id),
    };
  }

  private detail(conversation: Conversation): ChatDetail {
    return {
      ...structuredClone(conversation),
      activePath: activePath(conversation).map((m) => m.id),
      streamingMessageId: this.replies.streamingMessageId(conversation.id),
      pendingToolCalls: this.gate.pendingIn(conversation.id),
      context: this.contextUsage(conversation),
    };
  }

  /** Tokens the active path used when last read (the last reply with stats) and the chat's model's context size. */
  private contextUsage(conversation: Conversation): ChatContextUsage {
    const stats = activePath(conversation).findLast((m) => m.reply?.stats)?.reply?.stats;
    return { usedTokens: stats ? stats.promptTokens + stats.completionTokens : 0, contextSize: chatContextSize(conversation, this.options) };
  }
}

/** A reply left `streaming` by a Hearth that stopped mid-reply: keep its text, say what happened. */
function markInterrupted(conversation: Conversation): Conversation {
  for (const message of conversation.messages) {
    if (message.reply?.status === 'streaming') {
      Object.assign(message.reply, { status: 'error', stopReason: 'error', error: 'Hearth stopped before this reply finished.' });
    }
  }
  return conversation;
}
