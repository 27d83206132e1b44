import type { ChatModel, ChatModelLookup } from './chatModels';

/**
 * Tests only: a stand-in for the fleet's residency, changed by the test as it goes. The first
 * model given is the primary; `contextSize` in tokens (default 4096).
 */
export function residentModels(...ids: string[]): ChatModelLookup & { resident: Map<string, ChatModel>; primary: string | null; contextSize(id: string, size: number): void } {
  const resident = new Map<string, ChatModel>();
  for (const id of ids) resident.set(id, { modelId: id, name: `Model ${id}`, settings: { contextSize: 4096 } });
  const lookup = {
    resident,
    primary: ids[0] ?? null,
    residentModel: (modelId: string) => resident.get(modelId),
    primaryModelId: () => (lookup.primary && resident.has(lookup.primary) ? lookup.primary : null),
    contextSize(id: string, size: number) {
      resident.set(id, { modelId: id, name: `Model ${id}`, settings: { contextSize: size } });
    },
  };
  return lookup;
}
