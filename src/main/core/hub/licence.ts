import type { LicenceCheck, LicenceCheckArgs } from '../../../shared/licenceDto';
import { AppError } from '../../../shared/errors';
import type { SettingsStore } from '../settings/settingsStore';
import { LICENCE_FAMILIES, type LicenceFamily } from './licenceTerms';

/**
 * Which licence family a model is under, from what the Hub and the file say. The sources are
 * tried most specific first: the repo's `license:` tag names a family directly unless it is the
 * catch-all `other`; then the card's `license_name` (how `other` repos name theirs, e.g.
 * `qwen-research`); then the file's `general.license`, which is often free text ("Llama 3.1
 * Community License").
 */
export function detectLicence(args: LicenceCheckArgs): { family: LicenceFamily | null; raw: string; detectedFrom?: LicenceCheck['detectedFrom'] } {
  const sources: { text: string | undefined; from: NonNullable<LicenceCheck['detectedFrom']> }[] = [
    { text: args.licence, from: 'tag' },
    { text: args.licenceName, from: 'card' },
    { text: args.ggufLicence, from: 'gguf' },
  ];
  for (const source of sources) {
    const text = normalise(source.text);
    if (text === '' || text === 'other' || text === 'unknown') continue;
    const family = LICENCE_FAMILIES.find((candidate) => candidate.patterns.some((pattern) => pattern.test(text)));
    if (family) return { family, raw: source.text!.trim(), detectedFrom: source.from };
  }
  const raw = sources.map((s) => s.text?.trim()).find((text) => text && text.toLowerCase() !== 'unknown') ?? '';
  return { family: null, raw };
}

function normalise(text: string | undefined): string {
  return (text ?? '').trim().toLowerCase().replace(/\s+/g, ' ');
}

/** The check without the user's answers: what the licence is and whether it needs an "I understand". */
export function describeLicence(args: LicenceCheckArgs, accepted: ReadonlySet<string> = new Set()): LicenceCheck {
  const { family, raw, detectedFrom } = detectLicence(args);
  if (!family) {
    if (raw === '') {
      return { family: null, name: 'No licence', kind: 'unknown', summary: 'No licence given: ask the author before using it beyond personal tests.', terms: [], needsConfirmation: false, accepted: false };
    }
    return {
      family: null,
      name: raw,
      kind: 'unknown',
      summary: `Licence "${raw}" is not one Hearth knows: read its terms before commercial use.`,
      terms: [],
      needsConfirmation: false,
      accepted: false,
    };
  }
  const restrictive = family.kind === 'restrictive';
  return {
    family: family.id,
    name: family.name,
    kind: family.kind,
    summary: family.summary,
    terms: family.terms,
    url: family.url,
    ...(detectedFrom ? { detectedFrom } : {}),
    needsConfirmation: restrictive,
    accepted: restrictive && accepted.has(family.id),
  };
}

/**
 * Licence checks with the user's answers: a restrictive family is confirmed once ("I understand")
 * and remembered in `settings.json` (section `licences`), so the next download of that family
 * does not ask again, in any window.
 */
export class LicenceService {
  constructor(private readonly settings: SettingsStore) {}

  async check(args: LicenceCheckArgs): Promise<LicenceCheck> {
    return describeLicence(args, await this.acceptedFamilies());
  }

  /** Records the "I understand" for a family; refuses ids that are not a restrictive family. */
  async accept(familyId: string): Promise<{ accepted: string[] }> {
    const family = LICENCE_FAMILIES.find((candidate) => candidate.id === familyId);
    if (!family || family.kind !== 'restrictive') throw new AppError('BAD_REQUEST', `"${familyId}" is not a licence that needs confirming.`);
    const saved = await this.settings.update('licences', (current) => ({
      accepted: current.accepted.includes(familyId) ? current.accepted : [...current.accepted, familyId],
    }));
    return { accepted: saved.accepted };
  }

  async acceptedFamilies(): Promise<Set<string>> {
    return new Set((await this.settings.get('licences')).accepted);
  }
}
