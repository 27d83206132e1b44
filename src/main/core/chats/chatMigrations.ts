import { ROOT_KEY } from '../../../shared/chatDto';

/**
 * Chat file migrations, as code. `MIGRATIONS[n]` turns a version-n document into version n+1;
 * a file is read by applying every step from its version up to {@link CURRENT_CHAT_SCHEMA}. A
 * step receives whatever JSON was on disk, so it checks what it relies on and throws a readable
 * reason (the file is then quarantined) rather than guessing.
 */

export const CURRENT_CHAT_SCHEMA = 1;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * v0 (no `schemaVersion`): the renderer-era shape, one linear list of messages
 * `{role, content, createdAt?, modelId?, stats?}` with an optional system message. v1 makes it a
 * tree (each message answers the one before), moves the system message to the overrides and
 * records who chose the title.
 */
function v0ToV1(doc: Json): Json {
  if (!Array.isArray(doc.messages)) throw new Error('version 0 file has no message list');
  const createdAt = typeof doc.createdAt === 'string' ? doc.createdAt : new Date(0).toISOString();
  const messages: Json[] = [];
  const currentChild: Record<string, string> = {};
  let systemPrompt: string | undefined;
  let parentId: string | null = null;
  doc.messages.forEach((raw: unknown, index) => {
    if (!isObject(raw) || typeof raw.content !== 'string') throw new Error(`version 0 message ${index} has no text`);
    if (raw.role === 'system') {
      systemPrompt ??= raw.content;
      return;
    }
    if (raw.role !== 'user' && raw.role !== 'assistant') throw new Error(`version 0 message ${index} has an unknown role`);
    const id = `m${index}`;
    const message: Json = { id, parentId, role: raw.role, content: raw.content, createdAt: typeof raw.createdAt === 'string' ? raw.createdAt : createdAt };
    if (raw.role === 'assistant') {
      const stats = isObject(raw.stats) ? raw.stats : undefined;
      message.reply = {
        modelId: typeof raw.modelId === 'string' ? raw.modelId : 'unknown',
        params: {},
        status: 'done',
        ...(stats ? { stats, stopReason: stats.stopReason } : {}),
      };
    }
    messages.push(message);
    currentChild[parentId ?? ROOT_KEY] = id;
    parentId = id;
  });
  const title = typeof doc.title === 'string' && doc.title.trim() ? doc.title.trim() : 'New chat';
  return {
    schemaVersion: 1,
    id: doc.id,
    title,
    // A v0 title was either typed or derived; keep it either way (never replace it).
    titleSource: typeof doc.title === 'string' && doc.title.trim() ? 'user' : 'default',
    createdAt,
    updatedAt: typeof doc.updatedAt === 'string' ? doc.updatedAt : createdAt,
    overrides: systemPrompt !== undefined ? { systemPrompt } : {},
    messages,
    currentChild,
  };
}

const MIGRATIONS: Record<number, (doc: Json) => Json> = {
  0: v0ToV1,
};

/** Version a document says it has; 0 for files written before versions existed. */
export function schemaVersionOf(doc: unknown): number {
  if (!isObject(doc)) throw new Error('not a JSON object');
  if (doc.schemaVersion === undefined) return 0;
  if (typeof doc.schemaVersion !== 'number' || !Number.isInteger(doc.schemaVersion) || doc.schemaVersion < 0) {
    throw new Error('schemaVersion is not a version number');
  }
  return doc.schemaVersion;
}

/** Error for a file written by a newer Hearth: left in place, never overwritten or moved. */
export class NewerSchemaError extends Error {}

/** Brings any supported version up to the current one. */
export function migrateChat(doc: unknown): unknown {
  let version = schemaVersionOf(doc);
  if (version > CURRENT_CHAT_SCHEMA) {
    throw new NewerSchemaError(`written by a newer Hearth (schema ${version}; this version reads up to ${CURRENT_CHAT_SCHEMA})`);
  }
  let current = doc as Json;
  while (version < CURRENT_CHAT_SCHEMA) {
    const step = MIGRATIONS[version];
    if (!step) throw new Error(`no migration from schema ${version}`);
    current = step(current);
    version = schemaVersionOf(current);
  }
  return current;
}
