import { create } from 'zustand';
import type { ChatDetail } from '../../../../../shared/chatDto';
import type { ChatCreateArgs } from '../../../../../shared/chatSchemas';
import { api } from '../../../api/api';
import { errorMessage } from '../../../api/errors';
import { useConversationStore } from '../conversation';
import { EMPTY_DRAFT, draftFromOverrides, hasErrors, validateDraft, type ParamsDraft, type ValidatedDraft } from './paramsDraft';
import { applyPreset, presetFromDraft, responseFormatFor, type Preset } from './presets';

/**
 * The parameters panel: the open conversation's overrides as typed, saved to core
 * (`chats.setOverrides`) a moment after the last valid change. For a new chat the fields are
 * kept here and sent with `chats.create`. The JSON schema is the chat's `responseFormat` override.
 * Presets come from core (`presets.*`), so every window sees the same ones.
 */
interface ParamsState {
  /** Whose overrides the fields show; null = the new chat not created yet. */
  chatId: string | null;
  draft: ParamsDraft;
  validated: ValidatedDraft;
  saveError: string | null;
  /** Built-ins first, then the user's; empty until loaded. */
  presets: Preset[];
  /** Why the last preset call failed, for people. */
  presetError: string | null;
  loadPresets(): Promise<void>;
  /** Shows a conversation's overrides (keeps the fields when it is already shown). */
  show(detail: ChatDetail | null): void;
  update(patch: Partial<ParamsDraft>): void;
  /** `keepSystemPrompt`: the preset's sampling and schema, the user's own system prompt. */
  applyPreset(preset: Preset, keepSystemPrompt?: boolean): void;
  /** False when a field is invalid (nothing sent); throws what core refused. */
  savePreset(name: string): Promise<boolean>;
  deletePreset(name: string): Promise<void>;
  /** Saves a pending change now. */
  flush(): Promise<void>;
  overridesForNewChat(): ChatCreateArgs;
  adoptNewChat(detail: ChatDetail): void;
}

const SAVE_DELAY_MS = 400;
let saveTimer: ReturnType<typeof setTimeout> | undefined;
let pendingSave: (() => Promise<void>) | null = null;

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
      try {
        const detail = await api.chats.setOverrides({
          chatId,
          systemPrompt: validated.systemPrompt.trim() ? validated.systemPrompt : null,
          params: Object.keys(validated.params).length > 0 ? validated.params : null,
          responseFormat: responseFormatFor(validated.jsonSchema),
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
    presets: [],
    presetError: null,

    async loadPresets() {
      try {
        set({ presets: await api.presets.list(), presetError: null });
      } catch (error) {
        set({ presetError: `Could not load the presets: ${errorMessage(error)}` });
      }
    },

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
      const draft = draftFromOverrides(detail.overrides);
      set({ chatId, draft, validated: validateDraft(draft), saveError: null });
    },

    update(patch) {
      setDraft({ ...get().draft, ...patch });
    },

    applyPreset(preset, keepSystemPrompt = false) {
      setDraft(applyPreset(get().draft, preset, keepSystemPrompt));
    },

    async savePreset(name) {
      const preset = presetFromDraft(name.trim(), get().draft);
      if (!preset || !name.trim()) return false;
      set({ presets: await api.presets.save(preset), presetError: null });
      return true;
    },

    async deletePreset(name) {
      try {
        set({ presets: await api.presets.delete({ name }), presetError: null });
      } catch (error) {
        set({ presetError: `Could not delete “${name}”: ${errorMessage(error)}` });
      }
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
        ...(validated.jsonSchema ? { responseFormat: { type: 'json_schema' as const, schema: validated.jsonSchema } } : {}),
      };
    },

    adoptNewChat(detail) {
      set({ chatId: detail.id });
    },
  };
});
