import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { defaultFixtureCacheDir, ensureFixtureModel, type FixtureType } from '../../fixtures/gguf/generateModel';

/** One file of a fixture repo, held in memory (the tiny models are ~70–210 KB). */
export interface FixtureFile {
  path: string;
  bytes: Buffer;
  /** Lowercase hex; set for LFS files (every `.gguf`). */
  sha256?: string;
}

/** A repo the fixture Hub serves; search-only repos have no files. */
export interface FixtureRepo {
  id: string;
  /** 40-hex commit. */
  sha: string;
  downloads: number;
  likes: number;
  lastModified: string;
  license: string;
  /** The card's `license_name`, for `license: other` repos. */
  licenseName?: string;
  gated: false | 'auto' | 'manual';
  gguf?: { total: number; architecture: string; context_length: number };
  files: FixtureFile[];
}

/** Token the fixture accepts for its gated repo. */
export const FIXTURE_GRANTED_TOKEN = 'hf_fixture_granted_token';
export const TINY_REPO = 'hearth-fixtures/tiny-GGUF';
export const SPLIT_REPO = 'hearth-fixtures/tiny-split-GGUF';
export const GATED_REPO = 'hearth-fixtures/gated-GGUF';
/** Search-only repos named `hearth-fixtures/filler-NN-GGUF`, so paging has several pages. */
export const FILLER_COUNT = 12;

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function commitOf(id: string): string {
  return createHash('sha1').update(id).digest('hex');
}

function lfs(path: string, bytes: Buffer): FixtureFile {
  return { path, bytes, sha256: sha256(bytes) };
}

/** An extra open repo for `startHubFixtureServer({ extraRepos })`, e.g. a large file for a benchmark. */
export function makeFixtureRepo(id: string, files: { path: string; bytes: Buffer }[]): FixtureRepo {
  return {
    id, sha: commitOf(id), downloads: 1, likes: 0, lastModified: '2026-01-01T00:00:00.000Z', license: 'mit', gated: false,
    files: files.map((file) => (file.path.endsWith('.gguf') ? lfs(file.path, file.bytes) : file)),
  };
}

async function tiny(type: FixtureType): Promise<Buffer> {
  return readFile(await ensureFixtureModel(defaultFixtureCacheDir(), { preset: 'tiny', type }));
}

/**
 * The fixture Hub's repos: a tiny model in F16 / Q8_0 / Q4_0 plus a README, a split model
 * (first part a real Q8_0 model, second part filler bytes), a gated copy, and fillers for paging.
 * Numbers are fixed so sort order is predictable: gated > tiny > split > fillers by downloads.
 */
export async function buildFixtureRepos(): Promise<FixtureRepo[]> {
  const [f16, q8, q4] = await Promise.all([tiny('F16'), tiny('Q8_0'), tiny('Q4_0')]);
  const gguf = { total: 1_000_000, architecture: 'llama', context_length: 256 };
  const readme = Buffer.from('# Hearth tiny\n\nFixture model for tests.\n');
  const secondPart = Buffer.alloc(4_096, 0x5a);
  const repos: FixtureRepo[] = [
    {
      id: TINY_REPO, sha: commitOf(TINY_REPO), downloads: 5_000, likes: 10, lastModified: '2026-01-10T00:00:00.000Z', license: 'apache-2.0', gated: false, gguf,
      files: [{ path: 'README.md', bytes: readme }, lfs('hearth-tiny-F16.gguf', f16), lfs('hearth-tiny-Q8_0.gguf', q8), lfs('hearth-tiny-Q4_0.gguf', q4)],
    },
    {
      id: SPLIT_REPO, sha: commitOf(SPLIT_REPO), downloads: 3_000, likes: 30, lastModified: '2026-03-01T00:00:00.000Z', license: 'mit', gated: false, gguf,
      files: [lfs('hearth-tiny-Q8_0-00001-of-00002.gguf', q8), lfs('hearth-tiny-Q8_0-00002-of-00002.gguf', secondPart)],
    },
    {
      id: GATED_REPO, sha: commitOf(GATED_REPO), downloads: 9_000, likes: 5, lastModified: '2025-12-01T00:00:00.000Z', license: 'llama3.1', gated: 'manual', gguf,
      files: [lfs('hearth-tiny-Q4_0.gguf', q4)],
    },
  ];
  for (let i = 1; i <= FILLER_COUNT; i++) {
    const id = `hearth-fixtures/filler-${String(i).padStart(2, '0')}-GGUF`;
    const day = String(i).padStart(2, '0');
    repos.push({ id, sha: commitOf(id), downloads: 100 - i, likes: i, lastModified: `2025-06-${day}T00:00:00.000Z`, license: 'other', gated: false, files: [] });
  }
  return repos;
}
