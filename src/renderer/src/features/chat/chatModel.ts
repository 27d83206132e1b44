import type { ResidentModel } from '../../../../shared/dto';
import { selectResidentModel, useInferenceStore } from '../inference/inference';
import { modelDisplayName, selectModelById, useModelsStore } from '../models/models';
import { useConversationStore } from './conversation';

/** The model the open chat talks to, as the model bar, composer and context figure show it. */
export interface ChatModelView {
  /**
   * The chat's own model (core keeps it with the chat; a new chat's is the one picked for it),
   * else the primary model, which a chat without its own takes at its first reply; null when neither.
   */
  modelId: string | null;
  /** The model is the chat's own (chosen, or recorded by its first reply), not the primary model it follows until then. */
  own: boolean;
  /** That model while it is resident; null while it is not loaded. */
  resident: ResidentModel | null;
  /** Its name: as loaded, else as the library or the chat knows it; null with no model. */
  name: string | null;
}

export function useChatModel(): ChatModelView {
  const own = useConversationStore((s) => (s.chatId ? (s.detail?.id === s.chatId ? s.detail.modelId : undefined) : s.newChatModelId));
  const storedName = useConversationStore((s) => (s.chatId && s.detail?.id === s.chatId ? s.detail.modelName : undefined));
  const primaryId = useInferenceStore((s) => s.state?.loaded?.modelId ?? null);
  const modelId = own ?? primaryId;
  const resident = useInferenceStore(selectResidentModel(modelId));
  const info = useModelsStore(selectModelById(modelId ?? undefined));
  const name = modelId === null ? null : (resident?.name ?? (info ? modelDisplayName(info) : undefined) ?? storedName ?? modelId);
  return { modelId, own: Boolean(own), resident, name };
}
