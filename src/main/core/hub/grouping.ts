import type { HubFilePart, HubGgufFile } from './hubTypes';
import { quantFromFileName, quantSortKey, splitPartOf } from './quant';

/**
 * Turns a repo's file list into downloadable GGUF models: non-GGUF files dropped, the parts
 * of a split file (`-0000N-of-0000M.gguf`) joined into one entry in part order with sizes
 * summed. A split file with missing parts is left out: llama.cpp cannot load it.
 * Ordered smallest quantization first, then by name.
 */
export function groupGgufFiles(files: readonly HubFilePart[]): HubGgufFile[] {
  const singles: HubGgufFile[] = [];
  const splits = new Map<string, { count: number; parts: Map<number, HubFilePart> }>();
  for (const file of files) {
    if (!/\.gguf$/i.test(file.path)) continue;
    const split = splitPartOf(file.path);
    if (!split) {
      singles.push(entry([file]));
      continue;
    }
    const key = `${split.stem}\u0000${split.count}`;
    const group = splits.get(key) ?? { count: split.count, parts: new Map() };
    group.parts.set(split.index, file);
    splits.set(key, group);
  }
  const joined = [...splits.values()]
    .filter((group) => group.parts.size === group.count)
    .map((group) => entry([...group.parts.entries()].sort(([a], [b]) => a - b).map(([, part]) => part)));
  return [...singles, ...joined].sort((a, b) => quantSortKey(a.quant) - quantSortKey(b.quant) || a.name.localeCompare(b.name));
}

function entry(parts: HubFilePart[]): HubGgufFile {
  const first = parts[0] as HubFilePart;
  const quant = quantFromFileName(first.path);
  return {
    name: first.path,
    ...(quant ? { quant } : {}),
    size: parts.reduce((sum, part) => sum + part.size, 0),
    parts,
    projector: /(?:^|[/_.-])mmproj(?:[_.-]|$)/i.test(first.path),
  };
}
