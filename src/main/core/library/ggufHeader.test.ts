import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readGgufFileInfo } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelMetadata } from '../../../shared/dto';
import { AppError } from '../../../shared/errors';
import { damageCases, DAMAGE_CLASSES, type DamageClass } from '../../fixtures/gguf/damage';
import { mapGgufLayout } from '../../fixtures/gguf/ggufLayout';
import { writeGgufFile, type GgufMetadata, type GgufTensorSource } from '../../fixtures/gguf/ggufWriter';
import { fixtureModel } from '../../testing/fixtureModels';
import { readGgufHeader } from './ggufHeader';
import { quantizationName, readModelMetadata } from './ggufMetadata';

let dir: string;
let tiny: Buffer;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-gguf-header-'));
  tiny = await readFile(await fixtureModel({ preset: 'tiny', type: 'Q4_0' }));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** What the library showed before Hearth had its own reader: node-llama-cpp's view of the header. */
async function metadataFromNodeLlamaCpp(path: string, fallbackName: string): Promise<ModelMetadata> {
  const info = await readGgufFileInfo(path, { sourceType: 'filesystem', readTensorInfo: true, logWarnings: false });
  const arch = info.architectureMetadata as { context_length?: number; block_count?: number };
  return {
    name: info.metadata.general?.name?.trim() || fallbackName,
    architecture: String(info.metadata.general?.architecture ?? 'unknown'),
    parameterCount: (info.tensorInfo ?? []).reduce((sum, t) => sum + t.dimensions.reduce<number>((p, d) => p * Number(d), 1), 0),
    quantization: quantizationName(info.metadata.general?.file_type),
    trainedContextLength: Number(arch.context_length ?? 0),
    layers: Number(arch.block_count ?? 0),
  };
}

let fileCounter = 0;
async function writeTemp(bytes: Uint8Array, name = `f${fileCounter++}.gguf`): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return path;
}

/** The reason the header reader gives for `bytes`, or 'ok'. */
async function reasonFor(bytes: Uint8Array): Promise<string> {
  try {
    await readModelMetadata(await writeTemp(bytes), 'fallback');
    return 'ok';
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('MODEL_UNREADABLE');
    return (error as AppError).message;
  }
}

describe('readModelMetadata on valid files', () => {
  it.each([
    ['tiny', 'Q4_0'],
    ['tiny', 'F16'],
    ['smollm2-135m', 'Q4_0'],
  ] as const)('matches node-llama-cpp for %s %s', async (preset, type) => {
    const path = await fixtureModel({ preset, type });
    const ours = await readModelMetadata(path, 'fallback');
    expect(ours).toEqual(await metadataFromNodeLlamaCpp(path, 'fallback'));
    expect(ours.quantization).toBe(type);
  });

  it('reports the header layout of the tiny fixture', async () => {
    const header = await readGgufHeader(await writeTemp(tiny));
    const layout = mapGgufLayout(tiny);
    expect(header).toMatchObject({ version: 3, fileBytes: tiny.length, tensorCount: layout.tensors.length, dataOffset: layout.dataStart });
    expect(header.metadata.arrayLengths.get('tokenizer.ggml.tokens')).toBe(400);
    // Skipped, not kept: the chat template is long and Hearth does not show it.
    expect(header.metadata.scalars.has('tokenizer.chat_template')).toBe(false);
  });
});

describe('readModelMetadata on damaged files', () => {
  const withU32 = (at: number, value: number) => {
    const bytes = Buffer.from(tiny);
    bytes.writeUInt32LE(value, at);
    return bytes;
  };

  it('says what is wrong, in words', async () => {
    const layout = mapGgufLayout(tiny);
    const tokens = layout.metadata.find((e) => e.key === 'tokenizer.ggml.tokens')!;
    const bit31 = Buffer.from(tiny);
    bit31[tokens.stringLengthsAt[11]! + 3]! ^= 0x80;
    const lastTensor = layout.tensors[layout.tensors.length - 1]!;
    const pastEnd = Buffer.from(tiny);
    pastEnd.writeBigUInt64LE(2n ** 40n, lastTensor.offsetAt);

    expect(await reasonFor(tiny.subarray(0, 10))).toBe('damaged: the file ends inside the header (10 bytes)');
    expect(await reasonFor(Buffer.from('this is not a model at all'))).toBe('not a GGUF file (it starts with "this is ")');
    expect(await reasonFor(withU32(4, 99))).toBe('GGUF version 99 is not supported (Hearth reads versions 2 and 3)');
    expect(await reasonFor(bit31)).toBe("damaged: item 12 of 'tokenizer.ggml.tokens' claims 2.1 GB in a 68.1 KB file");
    expect(await reasonFor(pastEnd)).toBe("damaged: tensor 'output_norm.weight' data lies past the end of the file");
    expect(await reasonFor(tiny.subarray(0, tiny.length - 100))).toMatch(/^damaged: the file ends inside the data of tensor 'output_norm.weight' \(cut short\?/);
  });

  it('finds two tokens with the same text, which would abort llama.cpp', async () => {
    const tokens = mapGgufLayout(tiny).metadata.find((e) => e.key === 'tokenizer.ggml.tokens')!;
    const lengthAt = (i: number) => Number(tiny.readBigUInt64LE(tokens.stringLengthsAt[i]!));
    // The last two tokens of the same length: copy the first one's text over the second's.
    const [a, b] = tokens.stringLengthsAt.map((_, i) => i).filter((i) => lengthAt(i) === lengthAt(tokens.stringLengthsAt.length - 1)).slice(-2);
    const bytes = Buffer.from(tiny);
    const text = tiny.subarray(tokens.stringLengthsAt[a!]! + 8, tokens.stringLengthsAt[a!]! + 8 + lengthAt(a!));
    text.copy(bytes, tokens.stringLengthsAt[b!]! + 8);
    expect(await reasonFor(bytes)).toBe(`damaged: the token '${text.toString('utf8')}' appears twice in the vocabulary (llama.cpp cannot load it)`);
  });

  /** The reason every systematic case of a class must give. */
  const expected: Record<Exclude<DamageClass, 'random-flips'>, RegExp> = {
    truncated: /^(empty file \(0 bytes\)|damaged: (the file ends inside|.* runs past the end of the file))/,
    'wrong-magic': /^not a GGUF file/,
    'wrong-version': /^(GGUF version [\d,]+ is not supported \(Hearth reads versions 2 and 3\)|not supported: a big-endian GGUF)/,
    'huge-count': /^damaged: /,
    'string-length': /^damaged: /,
    'array-count': /^damaged: /,
    'value-type': /^damaged: .*(unknown (value|item) type|array of arrays|stored as|claims)/,
    'n-dims': /^damaged: tensor '.+' has [\d,]+ dimensions \(1 to 4 are possible\)$/,
    'ggml-type': /^(damaged: tensor '.+' (has an unknown type|data starts at)|outdated: )/,
    'tensor-offset': /^damaged: tensor '.+' data (lies past the end of the file|starts at byte)/,
  };

  it.each(DAMAGE_CLASSES.filter((c) => c !== 'random-flips'))('gives a clear reason for every %s case', async (className) => {
    const cases = [...damageCases(tiny, { seed: 3, randomFlipCases: 0 })].filter((c) => c.className === className);
    expect(cases.length).toBeGreaterThan(3);
    for (const damage of cases) {
      const reason = await reasonFor(damage.bytes);
      expect(reason, damage.description).toMatch(expected[className as keyof typeof expected]);
      expect(reason.length, damage.description).toBeLessThanOrEqual(200);
    }
  });
});

describe('readModelMetadata on unusual files', () => {
  const u32 = (value: number) => ({ type: 'u32', value }) as const;
  const vector = (name: string): GgufTensorSource => ({ name, dims: [32], type: 'F32', encode: () => new Uint8Array(128) });
  const modelKeys: GgufMetadata = [
    ['general.architecture', { type: 'string', value: 'llama' }],
    ['llama.context_length', u32(256)],
    ['llama.embedding_length', u32(32)],
    ['llama.block_count', u32(1)],
  ];

  it('sums the parameters of every part of a split model and names a missing part', async () => {
    const first = join(dir, 'split-00001-of-00002.gguf');
    await writeGgufFile(first, [...modelKeys, ['split.count', u32(2)]], [vector('a')]);
    await writeGgufFile(join(dir, 'split-00002-of-00002.gguf'), [['split.count', u32(2)]], [vector('b'), vector('c')]);
    expect((await readModelMetadata(first, 'split')).parameterCount).toBe(96);
    await rm(join(dir, 'split-00002-of-00002.gguf'));
    await expect(readModelMetadata(first, 'split')).rejects.toThrow('incomplete: part 2 of 2 (split-00002-of-00002.gguf) is missing');
  });

  it('refuses files that are not chat models, saying what they are', async () => {
    const path = join(dir, 'odd.gguf');
    await writeGgufFile(path, [...modelKeys, ['general.type', { type: 'string', value: 'adapter' }]], [vector('a')]);
    await expect(readModelMetadata(path, 'odd')).rejects.toThrow('not a model: a LoRA adapter');
    await writeGgufFile(path, modelKeys, []);
    await expect(readModelMetadata(path, 'odd')).rejects.toThrow('no weights');
    await writeGgufFile(path, modelKeys.slice(0, 3), [vector('a')]);
    await expect(readModelMetadata(path, 'odd')).rejects.toThrow("incomplete: the header has no 'llama.block_count'");
  });
});
