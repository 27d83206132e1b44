import { create } from 'zustand';
import type { LicenceCheck, LicenceCheckArgs } from '../../../../shared/licenceDto';
import { api } from '../../api/api';
import { errorMessage } from '../../api/errors';

/** Key of one licence question: the three sources core reads. */
export function licenceKey(args: LicenceCheckArgs): string {
  return [args.licence ?? '', args.licenceName ?? '', args.ggufLicence ?? ''].join('\u0000');
}

interface LicenceState {
  /** Core's answers, by {@link licenceKey}. */
  checks: Record<string, LicenceCheck>;
  /** Families confirmed in this window since the answers were fetched (core remembers them too). */
  accepted: Record<string, true>;
  errors: Record<string, string>;
  check(args: LicenceCheckArgs): Promise<LicenceCheck | null>;
  /** "I understand": remembered by core (settings) so no window asks again for this family. */
  accept(family: string): Promise<boolean>;
}

/**
 * Licence checks before a download: what the licence is, its notable terms, and whether the user
 * has confirmed that family already. Detection and the terms live in core (one list, with sources).
 */
export const useLicenceStore = create<LicenceState>()((set, get) => ({
  checks: {},
  accepted: {},
  errors: {},
  async check(args) {
    const key = licenceKey(args);
    try {
      const result = await api.hub.checkLicence(args);
      set((s) => ({ checks: { ...s.checks, [key]: result } }));
      return result;
    } catch (error) {
      set((s) => ({ errors: { ...s.errors, [key]: errorMessage(error) } }));
      return get().checks[key] ?? null;
    }
  },
  async accept(family) {
    try {
      await api.hub.acceptLicence({ family });
      set((s) => ({ accepted: { ...s.accepted, [family]: true } }));
      return true;
    } catch (error) {
      set((s) => ({ errors: { ...s.errors, [family]: errorMessage(error) } }));
      return false;
    }
  },
}));

/** The check for `args` (fetched on first use), or undefined while it is asked. */
export const selectLicence =
  (args: LicenceCheckArgs) =>
  (s: LicenceState): LicenceCheck | undefined =>
    s.checks[licenceKey(args)];

/** A download of this licence must first be confirmed with "I understand". */
export function needsConfirmation(check: LicenceCheck | undefined, accepted: Record<string, true>): boolean {
  if (!check?.needsConfirmation || !check.family) return false;
  return !check.accepted && !accepted[check.family];
}
