/**
 * `fields` without the ones left undefined, to spread into an object whose fields are optional
 * (with `exactOptionalPropertyTypes`, `{ dataDir: undefined }` is not `{}`):
 * `{ model, ...given({ dataDir, threads }) }`. Only undefined is dropped: 0, '' and [] are values.
 */
export function given<T extends Record<string, unknown>>(fields: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}
