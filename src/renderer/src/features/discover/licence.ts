/**
 * What a repo's licence means for the person about to download it. The Hub gives an SPDX-like
 * id from the `license:*` tag; the common open ones are permissive, model-specific ones (Llama,
 * Gemma, Qwen's own terms, `other`) and non-commercial Creative Commons ones need a read first,
 * and a missing licence is treated like a restrictive one (nothing grants any rights).
 */
export type LicenceKind = 'permissive' | 'restrictive' | 'unknown';

export interface LicenceInfo {
  kind: LicenceKind;
  /** Short text for the badge: the licence id, or "No licence". */
  label: string;
  /** One line saying what it means in practice. */
  explanation: string;
}

/** Open licences that allow commercial use with attribution only. */
const PERMISSIVE = /^(apache-2\.0|mit|bsd(-[\w.-]+)?|isc|unlicense|cc0-1\.0|cc-by-4\.0|zlib)$/;

/** Non-commercial or otherwise use-restricting licences with a known meaning. */
const NON_COMMERCIAL = /^cc-by-nc/;

export function classifyLicence(licence: string | undefined): LicenceInfo {
  const id = licence?.trim().toLowerCase() ?? '';
  if (id === '' || id === 'unknown') {
    return { kind: 'unknown', label: 'No licence', explanation: 'No licence given: ask the author before using it beyond personal tests.' };
  }
  if (PERMISSIVE.test(id)) return { kind: 'permissive', label: id, explanation: 'Permissive: commercial use allowed with attribution.' };
  if (NON_COMMERCIAL.test(id)) return { kind: 'restrictive', label: id, explanation: 'Non-commercial licence: not for commercial use.' };
  if (/^(gpl|lgpl|agpl)/.test(id)) return { kind: 'restrictive', label: id, explanation: 'Copyleft licence: read its terms before shipping it in a product.' };
  // llama2/3/3.1/…, gemma, qwen, other, and anything we do not know by name.
  return { kind: 'restrictive', label: id, explanation: 'Custom licence: read its terms before commercial use.' };
}
