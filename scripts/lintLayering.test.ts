// Proves the layering rules in eslint.config.js fire: every fixture in scripts/lint-fixtures is
// linted, through ESLint's Node API and the real config, as if it lived at its `lint-as` path.
// A forbidden fixture must get exactly one `no-restricted-imports` report carrying its `expect`
// text; an `allowed` one must get none, so a rule that is too loose or too broad both fail here.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const fixturesDir = join(repoRoot, 'scripts', 'lint-fixtures');

interface Fixture {
  file: string;
  code: string;
  lintAs: string;
  expected: string;
}

function header(code: string, key: string, file: string): string {
  const match = new RegExp(`^// ${key}: (.+)$`, 'm').exec(code);
  if (!match?.[1]) throw new Error(`${file}: missing "// ${key}: ..." line`);
  return match[1].trim();
}

const fixtures: Fixture[] = readdirSync(fixturesDir)
  .filter((file) => file.endsWith('.ts'))
  .sort()
  .map((file) => {
    const code = readFileSync(join(fixturesDir, file), 'utf8');
    return { file, code, lintAs: header(code, 'lint-as', file), expected: header(code, 'expect', file) };
  });
const forbidden = fixtures.filter((f) => f.expected !== 'allowed');
const allowed = fixtures.filter((f) => f.expected === 'allowed');

const eslint = new ESLint({ cwd: repoRoot });

async function restrictedImportMessages(fixture: Fixture): Promise<string[]> {
  const [result] = await eslint.lintText(fixture.code, { filePath: join(repoRoot, fixture.lintAs) });
  if (!result) throw new Error(`no lint result for ${fixture.file}`);
  const fatal = result.messages.filter((m) => m.fatal);
  if (fatal.length > 0) throw new Error(`${fixture.file}: ${fatal.map((m) => m.message).join('; ')}`);
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('layering lint (no-restricted-imports by path)', () => {
  it('has a forbidden fixture for every layer and an allowed one for every layer', () => {
    const layers = ['src/shared/', 'src/main/core/', 'src/main/hosts/', 'src/renderer/', 'src/preload/'];
    for (const layer of layers) {
      expect(forbidden.some((f) => f.lintAs.startsWith(layer)), `forbidden fixture in ${layer}`).toBe(true);
      expect(allowed.some((f) => f.lintAs.startsWith(layer)), `allowed fixture in ${layer}`).toBe(true);
    }
  });

  it('keeps the fixtures out of the normal `eslint .` run', async () => {
    expect(await eslint.isPathIgnored(join(fixturesDir, forbidden[0]!.file))).toBe(true);
  });

  it.each(forbidden.map((f) => [f.file, f] as const))('%s is reported', async (_name, fixture) => {
    const messages = await restrictedImportMessages(fixture);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain(fixture.expected);
  });

  it.each(allowed.map((f) => [f.file, f] as const))('%s passes', async (_name, fixture) => {
    expect(await restrictedImportMessages(fixture)).toEqual([]);
  });
});
