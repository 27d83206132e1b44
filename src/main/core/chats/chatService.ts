import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type {
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
import { markInterrupted, parseConversation } from './chatFile';
import { chatModelFields, type ChatModelLookup } from './chatModels';
import { ReplyRunner } from './chatReplies';
import type { ChatGenerate } from './replyPrompt';
import { searchConversations } from './chatSearch';
import { newConversation, setChatOverrides, setChatTools } from './chatSettings';
import { ToolCallGate, type ChatToolHost } from './chatTools';
import { ToolApprovalStore } from './toolApprovals';
import { ChatStore } from './chatStore';
import { findMessage, removeSubtree, reveal } from './chatTree';
import { chatDetail, chatSummary, type ChatViewSources } from './chatViews';
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
  private readonly viewSources: ChatViewSources;

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
    this.viewSources = { replies: this.replies, gate: this.gate, models: options };
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
    const chats = [...this.chats.values()].map((c) => chatSummary(c, this.viewSources)).sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
    return { chats, quarantined: [...this.quarantined] };
  }

  get(chatId: string): ChatDetail {
    return chatDetail(this.live(chatId), this.viewSources);
  }

  async create(args: ChatCreateArgs): Promise<ChatDetail> {
    const conversation = newConversation(await this.freshId(), args, this.options);
    this.chats.set(conversation.id, conversation);
    await this.persist(conversation);
    return chatDetail(conversation, this.viewSources);
  }

  /** A user's title always wins: auto-titling never replaces it. */
  async rename(chatId: string, title: string): Promise<ChatSummary> {
    const conversation = this.live(chatId);
    Object.assign(conversation, { title, titleSource: 'user' });
    await this.persist(conversation);
    return chatSummary(conversation, this.viewSources);
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
    return chatSummary(conversation, this.viewSources);
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
    return chatSummary(conversation, this.viewSources);
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
    return chatDetail(conversation, this.viewSources);
  }

  /** Removes a message and everything under it; refused while a reply is being written here. */
  async deleteMessage(chatId: string, messageId: string): Promise<ChatDetail> {
    const conversation = this.live(chatId);
    this.message(conversation, messageId);
    if (this.replies.isRunning(chatId)) throw new AppError('BUSY', 'Stop the reply being written before deleting messages.', { retryAfterMs: 1_000 });
    removeSubtree(conversation, messageId);
    await this.persist(conversation);
    return chatDetail(conversation, this.viewSources);
  }

  async setOverrides(args: ChatOverridesArgs): Promise<ChatDetail> {
    const conversation = this.live(args.chatId);
    setChatOverrides(conversation, args);
    await this.persist(conversation);
    return chatDetail(conversation, this.viewSources);
  }

  /**
   * The model this chat talks to from now on; a reply running keeps the model it started with.
   * Not loaded here: until it is resident, replies are refused with a message naming it.
   */
  async setModel(args: ChatSetModelArgs): Promise<ChatDetail> {
    const conversation = this.live(args.chatId);
    Object.assign(conversation, chatModelFields(args.modelId, this.options));
    await this.persist(conversation);
    return chatDetail(conversation, this.viewSources);
  }

  /**
   * The MCP servers (or single tools) this chat's replies may call, from the next reply on. Names
   * are not checked against `mcp.json` here: a server missing at reply time is named in the
   * reply's notice, and the chat goes on without it.
   */
  async setTools(args: ChatSetToolsArgs): Promise<ChatDetail> {
    const conversation = this.live(args.chatId);
    setChatTools(conversation, args);
    await this.persist(conversation);
    return chatDetail(conversation, this.viewSources);
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
}
