import type { Conversation } from '../../../shared/chatDto';
import type { LoadedModel, LoadSettings } from '../../../shared/dto';
import { AppError } from '../../../shared/errors';

/** What the chats read of a resident model (a fleet's `LoadedModel` fits). */
export type ChatModel = Pick<LoadedModel, 'modelId' | 'name'> & { settings: Pick<LoadSettings, 'contextSize'> };

/** How the chats see which models are resident (the fleet in the app; plain functions in tests). */
export interface ChatModelLookup {
  /** The resident model of that library id; null or undefined when it is not resident. */
  residentModel(modelId: string): ChatModel | null | undefined;
  /** The primary model's library id (what a chat without its own model talks to), or null when none is resident. */
  primaryModelId(): string | null;
}

/**
 * The model a reply in `conversation` would use: the chat's own model (even when it is not
 * resident), else the primary one; null when the chat has none and nothing is resident.
 */
export function chatModelId(conversation: Conversation, models: ChatModelLookup): string | null {
  return conversation.modelId ?? models.primaryModelId();
}

/**
 * The resident model a reply in `conversation` is written by. Throws MODEL_NOT_LOADED when it is
 * not resident: a chat's model is never loaded behind the user's back (which model to load, and
 * what it may replace in memory, is the user's choice in the model picker).
 */
export function replyModel(conversation: Conversation, models: ChatModelLookup): ChatModel {
  const modelId = chatModelId(conversation, models);
  if (!modelId) throw new AppError('MODEL_NOT_LOADED', 'No model is loaded. Load a model first.');
  const model = models.residentModel(modelId);
  if (!model) {
    const name = conversation.modelName ?? nameFromModelId(modelId);
    throw new AppError('MODEL_NOT_LOADED', `Load ${name} to continue this chat, or pick a loaded model.`);
  }
  return model;
}

/** Context size per conversation of the chat's model, in tokens; null while it is not resident. */
export function chatContextSize(conversation: Conversation, models: ChatModelLookup): number | null {
  const modelId = chatModelId(conversation, models);
  return modelId ? (models.residentModel(modelId)?.settings.contextSize ?? null) : null;
}

/** A chat's model fields as stored: the id, and the model's name (as loaded, else from its id). */
export function chatModelFields(modelId: string, models: ChatModelLookup): { modelId: string; modelName: string } {
  return { modelId, modelName: models.residentModel(modelId)?.name ?? nameFromModelId(modelId) };
}

/** A readable name from a library id when the model's own name is not known: its file name without `.gguf`. */
export function nameFromModelId(modelId: string): string {
  const file = modelId.split(/[/\\:]/).pop() || modelId;
  return file.replace(/\.gguf$/i, '');
}
