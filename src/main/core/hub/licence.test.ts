import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../logging/logger';
import { SettingsStore } from '../settings/settingsStore';
import { describeLicence, detectLicence, LicenceService } from './licence';
import { LICENCE_FAMILIES } from './licenceTerms';

describe('detectLicence', () => {
  it('recognises the families from Hub licence tags', () => {
    const cases: Record<string, string> = {
      llama2: 'llama2',
      llama3: 'llama3',
      'llama3.1': 'llama3.1',
      'llama3.2': 'llama3.2',
      'llama3.3': 'llama3.3',
      llama4: 'llama4',
      gemma: 'gemma',
      'cc-by-nc-4.0': 'cc-by-nc',
      'cc-by-nc-sa-4.0': 'cc-by-nc',
      'apache-2.0': 'apache-2.0',
      MIT: 'mit',
      'bsd-3-clause': 'permissive',
      'creativeml-openrail-m': 'openrail',
      'gpl-3.0': 'gpl',
    };
    for (const [tag, family] of Object.entries(cases)) {
      expect(detectLicence({ licence: tag }).family?.id, tag).toBe(family);
    }
  });

  it('reads the card licence name when the tag is "other" (Qwen research vs Qwen licence)', () => {
    expect(detectLicence({ licence: 'other', licenceName: 'qwen-research' })).toMatchObject({ family: { id: 'qwen-research' }, detectedFrom: 'card' });
    expect(detectLicence({ licence: 'other', licenceName: 'qwen' })).toMatchObject({ family: { id: 'qwen' }, detectedFrom: 'card' });
    expect(detectLicence({ licence: 'other', licenceName: 'tongyi-qianwen' }).family?.id).toBe('qwen');
  });

  it("falls back to the file's general.license, which is often free text", () => {
    expect(detectLicence({ ggufLicence: 'Llama 3.1 Community License Agreement' })).toMatchObject({ family: { id: 'llama3.1' }, detectedFrom: 'gguf' });
    expect(detectLicence({ licence: 'other', ggufLicence: 'llama3.2' })).toMatchObject({ family: { id: 'llama3.2' }, detectedFrom: 'gguf' });
    expect(detectLicence({ ggufLicence: 'Apache License, Version 2.0' }).family?.id).toBe('apache-2.0');
  });

  it('prefers the tag over the file (the tag is what the Hub shows)', () => {
    expect(detectLicence({ licence: 'gemma', ggufLicence: 'apache-2.0' }).family?.id).toBe('gemma');
  });

  it('tells Llama 3 from 3.1, 3.2 and 3.3 (the old clause about improving other models is only in 2 and 3)', () => {
    const noImproving = (id: string) => describeLicence({ licence: id }).terms.some((term) => /improve any other large language model/.test(term.text));
    expect(noImproving('llama2')).toBe(true);
    expect(noImproving('llama3')).toBe(true);
    expect(noImproving('llama3.1')).toBe(false);
    expect(noImproving('llama3.2')).toBe(false);
  });

  it('leaves unknown and missing licences unrecognised, never permissive', () => {
    expect(describeLicence({ licence: 'other' })).toMatchObject({ family: null, kind: 'unknown', name: 'other' });
    expect(describeLicence({ licence: 'some-new-licence' })).toMatchObject({ family: null, kind: 'unknown', needsConfirmation: false });
    expect(describeLicence({})).toMatchObject({ family: null, kind: 'unknown', name: 'No licence' });
  });
});

describe('licence terms data', () => {
  it('has one sentence with an https source per term, and terms for every restrictive family', () => {
    for (const family of LICENCE_FAMILIES) {
      expect(family.url, family.id).toMatch(/^https:\/\//);
      if (family.kind === 'restrictive') expect(family.terms.length, family.id).toBeGreaterThan(0);
      for (const term of family.terms) {
        expect(term.url, family.id).toMatch(/^https:\/\//);
        expect(term.text.trim().endsWith('.'), term.text).toBe(true);
      }
    }
  });

  it('names the traps the issue lists', () => {
    const text = (id: string) => describeLicence({ licence: id }).terms.map((t) => t.text).join(' ');
    expect(text('llama3.1')).toMatch(/700 million monthly active users/);
    expect(text('llama3.1')).toMatch(/Built with Llama/);
    expect(text('gemma')).toMatch(/Prohibited Use Policy/);
    expect(text('cc-by-nc-4.0')).toMatch(/Not for commercial use/);
    expect(describeLicence({ licence: 'apache-2.0' })).toMatchObject({ kind: 'permissive', terms: [], needsConfirmation: false });
  });
});

describe('LicenceService', () => {
  let dataDir: string | undefined;
  afterEach(async () => {
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('asks once per restrictive family and remembers the answer in settings.json', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'hearth-licence-'));
    const service = new LicenceService(new SettingsStore({ dataDir, logger: silentLogger }));
    expect(await service.check({ licence: 'llama3.1' })).toMatchObject({ family: 'llama3.1', needsConfirmation: true, accepted: false });
    expect(await service.accept('llama3.1')).toEqual({ accepted: ['llama3.1'] });
    expect(await service.accept('llama3.1')).toEqual({ accepted: ['llama3.1'] });
    expect(await service.check({ licence: 'llama3.1' })).toMatchObject({ accepted: true });
    // Another family still asks.
    expect(await service.check({ licence: 'gemma' })).toMatchObject({ accepted: false });

    // A second process reads the same answer.
    const again = new LicenceService(new SettingsStore({ dataDir, logger: silentLogger }));
    expect(await again.check({ licence: 'llama3.1' })).toMatchObject({ accepted: true });
    expect(JSON.parse(await readFile(join(dataDir, 'settings.json'), 'utf8')).licences).toEqual({ accepted: ['llama3.1'] });
  });

  it('refuses to record permissive or unknown families', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'hearth-licence-'));
    const service = new LicenceService(new SettingsStore({ dataDir, logger: silentLogger }));
    await expect(service.accept('apache-2.0')).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(service.accept('nope')).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});
