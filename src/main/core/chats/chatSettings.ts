import type { Conversation } from '../../../shared/chatDto';
import type { ChatCreateArgs, ChatOverridesArgs, ChatSetToolsArgs } from '../../../shared/chatSchemas';
import { CURRENT_CHAT_SCHEMA } from './chatMigrations';
import { chatModelFields, type ChatModelLookup } from './chatModels';

/**
 * A chat's own settings as the user sets them — at `chats.create`, and by `chats.setOverrides`
 * and `chats.setTools` — as plain edits of the conversation; the service persists and announces.
 */

/** A new, empty conversation with the settings `chats.create` was given. */
export function newConversation(id: string, args: ChatCreateArgs, models: ChatModelLookup): Conversation {
  const now = new Date().toISOString();
  return {
    schemaVersion: CURRENT_CHAT_SCHEMA,
    id,
    title: args.title ?? 'New chat',
    titleSource: args.title ? 'user' : 'default',
    createdAt: now,
    updatedAt: now,
    overrides: {
      ...(args.systemPrompt ? { systemPrompt: args.systemPrompt } : {}),
      ...(args.params ? { params: args.params } : {}),
      ...(args.responseFormat && args.responseFormat.type !== 'text' ? { responseFormat: args.responseFormat } : {}),
    },
    ...(args.modelId ? chatModelFields(args.modelId, models) : {}),
    messages: [],
    currentChild: {},
  };
}

/** Sets, clears (null) or leaves (absent) each override `args` names. */
export function setChatOverrides(conversation: Conversation, args: ChatOverridesArgs): void {
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
}

/** The tool sources (none = absent) and tool use of `args`. */
export function setChatTools(conversation: Conversation, args: ChatSetToolsArgs): void {
  if (args.sources.length) conversation.toolSources = args.sources;
  else delete conversation.toolSources;
  // `auto` is the default, so it is stored as absent (files stay as they were).
  if (args.toolUse === 'required') conversation.toolUse = 'required';
  else if (args.toolUse === 'auto') delete conversation.toolUse;
}
