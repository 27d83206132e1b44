import { basename, dirname, join } from 'node:path';
import { GgufFileType } from 'node-llama-cpp';
import type { ModelMetadata } from '../../../shared/dto';
import { AppError } from '../../../shared/errors';
import { readGgufHeader } from './ggufHeader';
import { textValue, u32Value } from './ggufModelKeys';
import { countText, unreadable } from './ggufProblems';

/** `name-00001-of-00003.gguf`: the naming llama.cpp's gguf-split uses for the parts of one model. */
const SPLIT_NAME = /-(\d{5})-of-(\d{5})\.gguf$/i;
/** Longest model name shown, in characters (the name comes from the file and may be anything). */
const MAX_NAME_CHARS = 200;

/**
 * Reads what Hearth shows about a GGUF file from its header only (no weights are read), with
 * Hearth's bounded reader. For a split model (`split.count` > 1) the other parts' headers are
 * read too, so the parameter count covers the whole model and a missing part is reported.
 * Throws AppError MODEL_UNREADABLE with a one-line reason for any file llama.cpp could not load.
 */
export async function readModelMetadata(path: string, fallbackName: string): Promise<ModelMetadata> {
  const header = await readGgufHeader(path).catch(explainFsError);
  const { metadata } = header;
  let parameterCount = header.parameterCount;
  const parts = metadata.scalars.get('split.count')?.value;
  if (typeof parts === 'number' && parts > 1) parameterCount += await otherPartsParameters(path, parts);
  if (parameterCount === 0) throw unreadable('no weights: the file holds no tensors (a vocabulary-only file?)');
  const architecture = textValue(metadata, 'general.architecture') ?? 'unknown';
  // Shown beside the model; the SPDX id when there is one (what the Hub shows), else the name.
  const license = displayText(textValue(metadata, 'general.license') ?? textValue(metadata, 'general.license.name') ?? '');
  return {
    name: displayText(textValue(metadata, 'general.name') ?? '') || fallbackName,
    architecture: displayText(architecture),
    parameterCount,
    quantization: quantizationName(u32Value(metadata, 'general.file_type')),
    trainedContextLength: u32Value(metadata, `${architecture}.context_length`) ?? 0,
    layers: u32Value(metadata, `${architecture}.block_count`) ?? 0,
    ...(license ? { license } : {}),
  };
}

/** Parameters in parts 2..`parts` of the split model whose first part is `firstPart`. */
async function otherPartsParameters(firstPart: string, parts: number): Promise<number> {
  const match = SPLIT_NAME.exec(basename(firstPart));
  if (!match || Number(match[1]) !== 1) {
    throw unreadable(`incomplete: part 1 of a model split in ${countText(parts)} files, but its name does not say where the other parts are`);
  }
  if (Number(match[2]) !== parts) throw unreadable(`damaged: the header says ${countText(parts)} parts, the file name ${Number(match[2])}`);
  let parameters = 0;
  for (let part = 2; part <= parts; part++) {
    const name = basename(firstPart).replace(SPLIT_NAME, `-${String(part).padStart(5, '0')}-of-${match[2]}.gguf`);
    try {
      parameters += (await readGgufHeader(join(dirname(firstPart), name), { requireModelKeys: false }).catch(explainFsError)).parameterCount;
    } catch (error) {
      if (error instanceof AppError && error.code === 'NOT_FOUND') throw unreadable(`incomplete: part ${part} of ${parts} (${name}) is missing`);
      if (error instanceof AppError) throw unreadable(`part ${part} of ${parts}: ${error.message}`);
      throw error;
    }
  }
  return parameters;
}

/**
 * File-system failures in words (Node's own messages name syscalls and paths). Errors that are
 * neither ours nor the file system's are bugs: they pass through for the caller to log.
 */
function explainFsError(error: unknown): never {
  if (error instanceof AppError) throw error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') throw new AppError('NOT_FOUND', 'the file is gone (moved or deleted while Hearth read it)');
  if (code === 'EACCES' || code === 'EPERM') throw unreadable('Hearth is not allowed to read this file (permission denied)');
  if (code === 'EISDIR') throw unreadable('a folder, not a file');
  if (code === 'EIO') throw unreadable('the disk reported a read error');
  if (typeof code === 'string') throw unreadable(`cannot be read (${code})`);
  throw error;
}

/** Metadata text as one clean line: control characters become spaces, long text is clipped. */
function displayText(text: string): string {
  // eslint-disable-next-line no-control-regex -- removing control characters is the point
  const line = text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();
  return line.length <= MAX_NAME_CHARS ? line : `${line.slice(0, MAX_NAME_CHARS - 1)}…`;
}

/** `general.file_type` as llama.cpp's quantize tool names it (`MOSTLY_Q4_K_M` → `Q4_K_M`). */
export function quantizationName(fileType: number | undefined): string {
  if (fileType === undefined) return 'unknown';
  const enumName = (GgufFileType as unknown as Record<number, string | undefined>)[fileType];
  if (!enumName) return `type ${fileType}`;
  return enumName.replace(/^(MOSTLY|ALL)_/, '');
}
