import { basename, dirname, join } from 'node:path';

/** `name-00002-of-00003.gguf`: llama.cpp's gguf-split naming of the parts of one model. */
const SPLIT_PART = /-(\d{5})-of-(\d{5})\.gguf$/i;

/** False for parts 2..N of a split model, which are listed, moved and deleted with their first part. */
export function isFirstPart(name: string): boolean {
  const match = SPLIT_PART.exec(name);
  return !match || Number(match[1]) === 1;
}

/** Part number and count from a file name, or undefined for a single-file model. */
export function splitPartOf(name: string): { part: number; count: number } | undefined {
  const match = SPLIT_PART.exec(name);
  return match ? { part: Number(match[1]), count: Number(match[2]) } : undefined;
}

/** Every part's path of the model whose first part is `firstPart` (just `[firstPart]` for a single file). */
export function partPaths(firstPart: string): string[] {
  const match = SPLIT_PART.exec(basename(firstPart));
  if (!match) return [firstPart];
  const count = Number(match[2]);
  const paths = [firstPart];
  for (let part = 2; part <= count; part++) {
    paths.push(join(dirname(firstPart), basename(firstPart).replace(SPLIT_PART, `-${String(part).padStart(5, '0')}-of-${match[2]}.gguf`)));
  }
  return paths;
}
