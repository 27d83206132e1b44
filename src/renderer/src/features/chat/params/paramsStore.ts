import { create } from 'zustand';
import type { ChatDetail } from '../../../../../shared/chatDto';
import type { ChatCreateArgs } from '../../../../../shared/chatSchemas';
import { api } from '../../../api/api';
import { errorMessage } from '../../../api/errors';
import { useConversationStore } from '../conversation';
import { EMPTY_DRAFT, draftFromOverrides, hasErrors, validateDraft, type ParamsDraft, type ValidatedDraft } from './paramsDraft';
import { applyPreset, deleteUserPreset, loadUserPresets, presetFromDraft, saveUserPreset, type Preset } from './presets';

/**
 * The parameters panel: the open conversation's overrides as typed, saved to core
 * (`chats.setOverrides`) a moment after the last valid change. For a new chat the fields are
 * kept here and sent with `chats.create`. The JSON schema has no place in core's conversation yet,
 * so it is kept per chat in localStorage.
 */
interface ParamsState {
  /** Whose overrides the fields show; null = the new chat not created yet. */
  chatId: string | null;
  draft: ParamsDraft;
  validated: ValidatedDraft;
  saveError: string | null;
  userPresets: Preset[];
  /** Shows a conversation's overrides (keeps the fields when it is already shown). */
  show(detail: ChatDetail | null): void;
  update(patch: Partial<ParamsDraft>): void;
  applyPreset(preset: Preset): void;
  savePreset(name: string): boolean;
  deletePreset(name: string): void;
  /** Saves a pending change now. */
  flush(): Promise<void>;
  overridesForNewChat(): ChatCreateArgs;
  adoptNewChat(detail: ChatDetail): void;
}

const SAVE_DELAY_MS = 400;
let saveTimer: ReturnType<typeof setTimeout> | undefined;
let pendingSave: (() => Promise<void>) | null = null;

const schemaKey = (chatId: string) => `hearth.chat.${chatId}.jsonSchema`;

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

export function storedJsonSchema(chatId: string): string {
  return storage()?.getItem(schemaKey(chatId)) ?? '';
}

function storeJsonSchema(chatId: string, text: string): void {
  if (text.trim()) storage()?.setItem(schemaKey(chatId), text);
  else storage()?.removeItem(schemaKey(chatId));
}

export const useParamsStore = create<ParamsState>()((set, get) => {
  const setDraft = (draft: ParamsDraft) => {
    const validated = validateDraft(draft);
    set({ draft, validated });
    const chatId = get().chatId;
    clearTimeout(saveTimer);
    if (!chatId || hasErrors(validated)) {
      pendingSave = null;
      return;
    }
    pendingSave = async () => {
      pendingSave = null;
      storeJsonSchema(chatId, draft.jsonSchema);
      try {
        const detail = await api.chats.setOverrides({
          chatId,
          systemPrompt: validated.systemPrompt.trim() ? validated.systemPrompt : null,
          params: Object.keys(validated.params).length > 0 ? validated.params : null,
        });
        useConversationStore.getState().replaceDetail(detail);
        set({ saveError: null });
      } catch (error) {
        set({ saveError: `Could not save the parameters: ${errorMessage(error)}` });
      }
    };
    saveTimer = setTimeout(() => void pendingSave?.(), SAVE_DELAY_MS);
  };

  return {
    chatId: null,
    draft: EMPTY_DRAFT,
    validated: validateDraft(EMPTY_DRAFT),
    saveError: null,
    userPresets: storage() ? loadUserPresets(storage()!) : [],

    show(detail) {
      const chatId = detail?.id ?? null;
      if (chatId === get().chatId) return;
      // A change still waiting for its save goes to the chat it was made in.
      if (pendingSave) void get().flush();
      if (!detail) {
        // Leaving a chat for a new one starts from empty fields; a new chat's own fields stay.
        if (get().chatId !== null) set({ chatId: null, draft: EMPTY_DRAFT, validated: validateDraft(EMPTY_DRAFT), saveError: null });
        return;
      }
      const draft = draftFromOverrides(detail.overrides, storedJsonSchema(detail.id));
      set({ chatId, draft, validated: validateDraft(draft), saveError: null });
    },

    update(patch) {
      setDraft({ ...get().draft, ...patch });
    },

    applyPreset(preset) {
      setDraft(applyPreset(get().draft, preset));
    },

    savePreset(name) {
      const store = storage();
      const preset = presetFromDraft(name.trim(), get().draft);
      if (!store || !preset || !name.trim()) return false;
      set({ userPresets: saveUserPreset(store, preset) });
      return true;
    },

    deletePreset(name) {
      const store = storage();
      if (store) set({ userPresets: deleteUserPreset(store, name) });
    },

    async flush() {
      clearTimeout(saveTimer);
      await pendingSave?.();
    },

    overridesForNewChat() {
      const { validated } = get();
      if (hasErrors(validated)) return {};
      return {
        ...(validated.systemPrompt.trim() ? { systemPrompt: validated.systemPrompt } : {}),
        ...(Object.keys(validated.params).length > 0 ? { params: validated.params } : {}),
      };
    },

    adoptNewChat(detail) {
      storeJsonSchema(detail.id, get().draft.jsonSchema);
      set({ chatId: detail.id });
    },
  };
});

/** The JSON schema replies of the open chat are checked against, when the fields show that chat. */
export const selectJsonSchemaFor =
  (chatId: string | null) =>
  (s: ParamsState): Record<string, unknown> | null =>
    chatId !== null && s.chatId === chatId ? s.validated.jsonSchema : null;
