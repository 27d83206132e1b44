/** Checks a reply that was asked to be JSON: parses it and formats it for reading. */

export type JsonReplyCheck = { valid: true; formatted: string } | { valid: false; error: string };

export function checkJsonReply(text: string): JsonReplyCheck {
  const trimmed = text.trim();
  if (!trimmed) return { valid: false, error: 'the reply is empty' };
  try {
    return { valid: true, formatted: JSON.stringify(JSON.parse(trimmed), null, 2) };
  } catch (error) {
    return { valid: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/** Parses a JSON-schema field: an object, or a message saying what is wrong. Empty = no schema. */
export function parseJsonSchema(text: string): { schema: Record<string, unknown> | null; error?: string } {
  if (!text.trim()) return { schema: null };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { schema: null, error: `Not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { schema: null, error: 'A JSON schema is an object, e.g. {"type": "object", …}.' };
  return { schema: value as Record<string, unknown> };
}
