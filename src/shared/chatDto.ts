import type { ChatChunk, GenerationStats, JsonOutputCheck, ResponseFormat, StopReason } from './dto';
import type { SamplingParams } from './schemas';

/**
 * Conversations as core owns and stores them (`<dataDir>/chats/<id>.json`). Plain serializable
 * objects, ISO-8601 dates. Messages form a tree through `parentId`: a regenerated reply is a new
 * assistant sibling, an edited user message a new user sibling, and `currentChild` says which
 * sibling is shown at each branch point. The "active path" (root → leaf following `currentChild`)
 * is what the UI shows and what is sent to the model.
 */

/** Key of `currentChild` for the messages without a parent (the first turn). */
export const ROOT_KEY = '_root';

/** How a reply ended: the engine's stop reason, or `error` when generation failed. */
export type ReplyStopReason = StopReason | 'error';

/** `streaming` while it is written; `done` ended by itself; `stopped` by the user; `error` failed. */
export type ReplyStatus = 'streaming' | 'done' | 'stopped' | 'error';

/** What produced an assistant message and how it went. */
export interface ReplyInfo {
  /** Library id of the model that wrote it. */
  modelId: string;
  /** Sampling parameters sent with the request (the conversation's overrides merged with the call's). */
  params: SamplingParams;
  status: ReplyStatus;
  /** Set once the reply ended. */
  stopReason?: ReplyStopReason;
  /** Why it failed, for people (with `status: 'error'`). */
  error?: string;
  /** Token counts, times and speed from the engine; absent while streaming or when it never started. */
  stats?: GenerationStats;
  /** The structured output asked for (absent for free text). */
  responseFormat?: ResponseFormat;
  /** With a JSON `responseFormat`, once ended: whether the text is complete JSON of that shape. */
  json?: JsonOutputCheck;
  /**
   * Messages at the start of the conversation (after the system prompt) the model did not read
   * because they did not fit its context; absent or 0 when it read everything.
   */
  droppedMessages?: number;
  /** Why the reply ended early for a reason of its own, for people (e.g. the cap on tool rounds). */
  notice?: string;
}

/** How a tool call was let through or not: asked (once, always this tool, always this server), remembered, or denied. */
export type ToolCallDecision = 'once' | 'alwaysTool' | 'alwaysServer' | 'remembered' | 'deny';

/** What a tool call gave back (already size-capped; an error is a result too, fed back to the model). */
export interface ToolCallResult {
  content: string;
  isError: boolean;
  truncated: boolean;
}

/** One call a reply's model made to an MCP tool, with the decision and the result. */
export interface ChatToolCall {
  /** The model's call id (its `tool` turn answers it). */
  id: string;
  /** The name the model called (`<server>__<tool>`). */
  name: string;
  /** The arguments as the model wrote them (JSON text). */
  arguments: string;
  /** The MCP server and tool it stands for; empty when the model named a tool that was not offered. */
  server: string;
  tool: string;
  /** Absent while the call waits for the user's decision. */
  decision?: ToolCallDecision;
  /** Absent while it waits or runs. */
  result?: ToolCallResult;
}

/** One round of a reply: what the model wrote before calling, and its calls (each answered by a `tool` turn). */
export interface ToolRound {
  content: string;
  calls: ChatToolCall[];
}

/** A source of tools a chat enabled: an MCP server, all of its tools or only the `tools` named. */
export interface ChatToolSource {
  server: string;
  /** Only these tools of the server (its own names); absent = every tool. */
  tools?: string[];
}

/** Whether a chat's replies may answer without a tool (`auto`) or must call one first (`required`). */
export type ChatToolUse = 'auto' | 'required';

/** Payload of `chats.toolCallPending`: a call waiting for Allow / Deny (`chats.decideToolCall`). */
export interface ToolCallPending {
  chatId: string;
  messageId: string;
  callId: string;
  server: string;
  tool: string;
  /** The arguments as indented JSON (as written when they do not parse). */
  arguments: string;
}

/** Tools and servers the user always allows (`chats.listToolApprovals`, revoked by `chats.revokeToolApproval`). */
export interface ToolApprovals {
  servers: string[];
  tools: Array<{ server: string; tool: string }>;
}

export interface ChatMessageNode {
  /** Unique within the conversation. */
  id: string;
  /** The message this one answers or follows; null for a first message. */
  parentId: string | null;
  role: 'user' | 'assistant';
  content: string;
  /** ISO-8601. */
  createdAt: string;
  /** Assistant messages only. */
  reply?: ReplyInfo;
  /**
   * Assistant messages only: the rounds of tool calls before `content` (the final text), in order.
   * The model reads each as an assistant turn with its calls, then one `tool` turn per call.
   */
  toolRounds?: ToolRound[];
}

/** Per-conversation settings that win over the app's defaults. */
export interface ChatOverrides {
  /** Sent as the system message before the conversation. */
  systemPrompt?: string;
  params?: SamplingParams;
  /** Structured output of every reply (`json_object` or `json_schema`); absent = free text. */
  responseFormat?: ResponseFormat;
}

/** `default`: not titled yet; `auto`: from the first message; `user`: renamed (never replaced). */
export type TitleSource = 'default' | 'auto' | 'user';

/** One conversation, exactly as stored (and as exported to JSON). */
export interface Conversation {
  /** Version of this shape; older files are migrated when read. */
  schemaVersion: number;
  id: string;
  title: string;
  titleSource: TitleSource;
  /** ISO-8601. */
  createdAt: string;
  /** ISO-8601; changes with every edit and checkpoint. */
  updatedAt: string;
  overrides: ChatOverrides;
  /**
   * Library id of the model this chat talks to: set by `chats.setModel` (or `chats.create`), else
   * recorded by the chat's first reply (the primary model then). Replies use it while it is
   * resident and are refused (MODEL_NOT_LOADED) while it is not, so loading another model for
   * another chat never moves this one. Absent: the chat follows the primary model.
   */
  modelId?: string;
  /** The model's name when it was chosen (its GGUF `general.name`), for messages while it is not loaded. */
  modelName?: string;
  /** MCP servers (or single tools) this chat's replies may call; absent or empty = none. */
  toolSources?: ChatToolSource[];
  /**
   * `required`: the first round of each reply must call one of the enabled tools (later rounds
   * are `auto`, or the reply would call tools until the cap). Absent = `auto`, the model chooses.
   */
  toolUse?: ChatToolUse;
  /** Every message of every branch, in creation order. */
  messages: ChatMessageNode[];
  /** Parent id (or {@link ROOT_KEY}) → id of the child currently shown. */
  currentChild: Record<string, string>;
}

/** A conversation with what the UI needs to draw it. */
export interface ChatDetail extends Conversation {
  /** Message ids from the first to the last shown, following `currentChild`. */
  activePath: string[];
  /** The assistant message being written right now, if any. */
  streamingMessageId: string | null;
  /** Tool calls of the running reply waiting for Allow / Deny (also announced by `chats.toolCallPending`). */
  pendingToolCalls: ToolCallPending[];
  context: ChatContextUsage;
}

/** How full the model's context is for this chat. */
export interface ChatContextUsage {
  /**
   * Tokens of the active path as the model last read it: the last finished reply's prompt plus
   * completion tokens (0 before the first reply). Messages added since are not counted yet.
   */
  usedTokens: number;
  /**
   * Context size per conversation of this chat's model (else of the primary model), in tokens;
   * null when that model is not loaded.
   */
  contextSize: number | null;
}

/** One row of the chat list. */
export interface ChatSummary {
  id: string;
  title: string;
  /** ISO-8601. */
  updatedAt: string;
  /** Messages on the active path. */
  messageCount: number;
  /** The chat's model (see {@link Conversation.modelId}); null while it follows the primary model. */
  modelId: string | null;
  /** A reply is being written. */
  generating: boolean;
}

/** A chat file that could not be read; it was moved aside and the other chats loaded. */
export interface QuarantinedChat {
  fileName: string;
  reason: string;
  /** Where the file is now (absolute); null when it was left in place (written by a newer Hearth). */
  movedTo: string | null;
}

export interface ChatList {
  /** Most recently updated first. */
  chats: ChatSummary[];
  /** Files found unreadable when the chats were loaded. */
  quarantined: QuarantinedChat[];
}

/** One conversation that matches a search, with the first place it matched. */
export interface ChatSearchHit {
  chatId: string;
  title: string;
  /** ISO-8601. */
  updatedAt: string;
  /** Where the match is: the title, or a message (`messageId`). */
  field: 'title' | 'message';
  messageId?: string;
  /** Text around the match, whitespace collapsed, `…` where cut. */
  snippet: string;
  /** Where the match is inside `snippet`, in UTF-16 code units (for highlighting). */
  matchStart: number;
  matchLength: number;
}

export interface ChatExport {
  /** Suggested file name, e.g. `My chat.md`. */
  fileName: string;
  mimeType: 'text/markdown' | 'application/json';
  text: string;
}

/**
 * What `chats.send`, `chats.regenerate` and `chats.editMessage` stream to their caller: first
 * the ids of the messages the call created, then the engine's chunks (queue place, prompt
 * progress, reply text).
 */
export type ChatReplyChunk =
  | { type: 'started'; chatId: string; userMessageId: string; messageId: string }
  /**
   * The model called tools: the text so far became round `round` (see `ChatMessageNode.toolRounds`);
   * the text of the next round streams from empty. Read the chat for the calls and their results.
   */
  | { type: 'toolRound'; round: number }
  | ChatChunk;

/** The reply as stored when it ended (done, stopped or failed). */
export interface ChatReplyResult {
  chatId: string;
  /** The user message replied to. */
  userMessageId: string;
  message: ChatMessageNode;
}

/** Payload of `chats.changed`: clients refetch `chats.get` / `chats.list`. */
export interface ChatChanged {
  chatId: string;
  /** `deleted`: moved to the trash (a `chats.restore` brings it back with another `updated`). */
  change: 'updated' | 'deleted';
  /** A reply is being written in this chat. */
  generating: boolean;
}
