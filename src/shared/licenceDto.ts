import { z } from 'zod';
import type { RemoteFileFit } from './hubDto';

/**
 * What a model's licence means before it is downloaded (`hub.checkLicence`), and the starter
 * models of the first-run screen (`hub.listStarters`). Plain JSON; sizes in bytes.
 */

/** Permissive: use freely with attribution; restrictive: terms that limit use; unknown: none given or not recognised. */
export type LicenceKind = 'permissive' | 'restrictive' | 'unknown';

/** One notable term of a licence, in one sentence, with where it is written. */
export interface LicenceTerm {
  text: string;
  /** The full text (or the clause) this sentence summarises. */
  url: string;
}

export interface LicenceCheck {
  /** Known family id (`llama3.1`, `gemma`, `cc-by-nc`, `apache-2.0`, …); null when not recognised. */
  family: string | null;
  /** Display name, e.g. "Llama 3.1 Community License"; the raw licence id when not recognised. */
  name: string;
  kind: LicenceKind;
  /** One line for a badge or a list. */
  summary: string;
  /** The terms that trap people, one sentence each; empty for permissive licences. */
  terms: LicenceTerm[];
  /** The full licence text. */
  url?: string;
  /** Where the family was read: the repo's `license:` tag, the model card's licence name, or the file's `general.license`. */
  detectedFrom?: 'tag' | 'card' | 'gguf';
  /** A restrictive family needs an "I understand" before its first download. */
  needsConfirmation: boolean;
  /** The user already confirmed this family (remembered in settings). */
  accepted: boolean;
}

export const licenceCheckArgsSchema = z
  .object({
    /** The repo's licence id, from its `license:` tag or card (`apache-2.0`, `llama3.1`, `other`). */
    licence: z.string().max(200).optional(),
    /** The model card's `license_name` (used when the id is `other`, e.g. `qwen-research`). */
    licenceName: z.string().max(200).optional(),
    /** `general.license` of the GGUF file, when known. */
    ggufLicence: z.string().max(500).optional(),
  })
  .strict();

export const licenceAcceptArgsSchema = z
  .object({
    /** A known family id from `hub.checkLicence`. */
    family: z.string().min(1).max(64),
  })
  .strict();

export type LicenceCheckArgs = z.infer<typeof licenceCheckArgsSchema>;

/** One model of the first-run screen, resolved against the Hub. */
export interface StarterModel {
  /** `owner/repo`. */
  repo: string;
  /** Commit of the listing: download by this so the file is the one shown. */
  revision?: string;
  /** `HubGgufFile.name` of the file to download; absent when the repo could not be read. */
  file?: string;
  quant: string;
  /** Short display name, e.g. "Qwen2.5 1.5B Instruct". */
  title: string;
  /** What it is good at, one line. */
  goodAt: string;
  /** From the Hub listing when it was read, else the data file's approximate size. */
  sizeBytes: number;
  licence: LicenceCheck;
  /** Fit on this machine from the remote header; null when it could not be estimated. */
  fit: RemoteFileFit | null;
  /** The one "Get started" downloads. */
  recommended: boolean;
  /** Why the repo or file could not be resolved (offline, renamed). */
  error?: string;
}

export interface StarterList {
  /** Which group of the data file was chosen, and why, e.g. "8 GB or more of RAM, no GPU". */
  tier: string;
  starters: StarterModel[];
}
