/**
 * Writes a deterministic GGUF test model (random weights, llama architecture).
 *
 *   npx tsx scripts/make-fixture.ts --preset tiny --type Q4_0 --out path.gguf [--seed N] [--name "..."] [--no-suppress]
 */
import { parseArgs } from 'node:util';
import { type FixturePreset, FIXTURE_PRESETS, type FixtureType, writeFixtureModel } from '../src/main/fixtures/gguf/generateModel';

const TYPES: readonly FixtureType[] = ['F32', 'F16', 'Q8_0', 'Q4_0'];
const USAGE = `usage: make-fixture --preset ${Object.keys(FIXTURE_PRESETS).join('|')} --type ${TYPES.join('|')} --out FILE [--seed N] [--name NAME] [--no-suppress]`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      preset: { type: 'string', default: 'tiny' },
      type: { type: 'string', default: 'Q4_0' },
      out: { type: 'string' },
      seed: { type: 'string', default: '42' },
      name: { type: 'string' },
      'no-suppress': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const preset = values.preset as FixturePreset;
  const type = values.type as FixtureType;
  const seed = Number(values.seed);
  if (!values.out || !(preset in FIXTURE_PRESETS) || !TYPES.includes(type) || !Number.isSafeInteger(seed)) {
    throw new Error(USAGE);
  }
  const started = performance.now();
  const { filePath, bytes } = await writeFixtureModel(values.out, {
    preset,
    type,
    seed,
    ...(values.name === undefined ? {} : { name: values.name }),
    suppressSpecialTokens: !values['no-suppress'],
  });
  const seconds = (performance.now() - started) / 1000;
  console.log(`${filePath}\t${bytes} bytes (${(bytes / 1e6).toFixed(1)} MB) in ${seconds.toFixed(2)} s`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
