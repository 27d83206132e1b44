import type { LicenceKind, LicenceTerm } from '../../../shared/licenceDto';

/**
 * The licence families Hearth recognises and the terms that trap people, one sentence each with
 * the text it summarises. This is data: to add a family, add an entry (most specific patterns
 * first: `llama3.1` must be tried before `llama3`). Each sentence paraphrases the linked text;
 * read the link, not this file, before relying on it. (Written from the licences as published;
 * re-read the links when adding or changing a family.)
 */
export interface LicenceFamily {
  id: string;
  name: string;
  kind: LicenceKind;
  /** Matched against lower-cased licence ids, card licence names and `general.license` texts. */
  patterns: RegExp[];
  summary: string;
  terms: LicenceTerm[];
  url: string;
}

const LLAMA2_URL = 'https://github.com/meta-llama/llama/blob/main/LICENSE';
const LLAMA3_URL = 'https://www.llama.com/llama3/license/';
const LLAMA31_URL = 'https://www.llama.com/llama3_1/license/';
const LLAMA32_URL = 'https://www.llama.com/llama3_2/license/';
const LLAMA33_URL = 'https://www.llama.com/llama3_3/license/';
const LLAMA4_URL = 'https://www.llama.com/llama4/license/';
const LLAMA_AUP = 'https://www.llama.com/llama3_1/use-policy/';

/** The 700M monthly active users clause, shared by every Llama licence since Llama 2 (section 2). */
const mau = (url: string): LicenceTerm => ({
  text: 'A product or service with more than 700 million monthly active users (on the release date) needs a separate licence from Meta.',
  url,
});
/** Llama 3.x attribution (section 1.b.i). */
const naming = (version: string, url: string): LicenceTerm => ({
  text: `Anything you ship with it must show "Built with Llama", and a model you train from it must have a name starting with "Llama" (${version}).`,
  url,
});
const aup = (url: string): LicenceTerm => ({ text: "Meta's Acceptable Use Policy applies and must be passed on to anyone you share the model with.", url });

export const LICENCE_FAMILIES: readonly LicenceFamily[] = [
  {
    id: 'llama2',
    name: 'Llama 2 Community License',
    kind: 'restrictive',
    patterns: [/^llama-?2\b/, /llama 2 community/],
    summary: 'Llama 2: no using its outputs to improve other models; 700M-user limit.',
    terms: [
      { text: 'You may not use the model or its outputs to improve any other large language model (except Llama 2 and its derivatives).', url: LLAMA2_URL },
      mau(LLAMA2_URL),
      aup('https://ai.meta.com/llama/use-policy/'),
    ],
    url: LLAMA2_URL,
  },
  {
    id: 'llama3.1',
    name: 'Llama 3.1 Community License',
    kind: 'restrictive',
    patterns: [/^llama-?3\.1\b/, /llama 3\.1 community/],
    summary: 'Llama 3.1: 700M-user limit; "Built with Llama" and the "Llama" name on derivatives.',
    terms: [mau(LLAMA31_URL), naming('Llama 3.1', LLAMA31_URL), aup(LLAMA_AUP)],
    url: LLAMA31_URL,
  },
  {
    id: 'llama3.2',
    name: 'Llama 3.2 Community License',
    kind: 'restrictive',
    patterns: [/^llama-?3\.2\b/, /llama 3\.2 community/],
    summary: 'Llama 3.2: 700M-user limit; "Built with Llama" and the "Llama" name on derivatives.',
    terms: [
      mau(LLAMA32_URL),
      naming('Llama 3.2', LLAMA32_URL),
      { text: "The rights to its multimodal (vision) models are not granted to people or companies domiciled in the EU (Acceptable Use Policy).", url: 'https://www.llama.com/llama3_2/use-policy/' },
      aup('https://www.llama.com/llama3_2/use-policy/'),
    ],
    url: LLAMA32_URL,
  },
  {
    id: 'llama3.3',
    name: 'Llama 3.3 Community License',
    kind: 'restrictive',
    patterns: [/^llama-?3\.3\b/, /llama 3\.3 community/],
    summary: 'Llama 3.3: 700M-user limit; "Built with Llama" and the "Llama" name on derivatives.',
    terms: [mau(LLAMA33_URL), naming('Llama 3.3', LLAMA33_URL), aup('https://www.llama.com/llama3_3/use-policy/')],
    url: LLAMA33_URL,
  },
  {
    id: 'llama4',
    name: 'Llama 4 Community License',
    kind: 'restrictive',
    patterns: [/^llama-?4\b/, /llama 4 community/],
    summary: 'Llama 4: 700M-user limit; "Built with Llama"; multimodal rights not granted in the EU.',
    terms: [
      mau(LLAMA4_URL),
      naming('Llama 4', LLAMA4_URL),
      { text: 'The rights to its multimodal models are not granted to people or companies domiciled in the EU (Acceptable Use Policy).', url: 'https://www.llama.com/llama4/use-policy/' },
    ],
    url: LLAMA4_URL,
  },
  {
    id: 'llama3',
    name: 'Meta Llama 3 Community License',
    kind: 'restrictive',
    patterns: [/^llama-?3(\.0)?$/, /^llama-?3\b/, /meta llama 3 community/],
    summary: 'Llama 3: no using its outputs to improve other models; 700M-user limit; naming rules.',
    terms: [
      { text: 'You may not use the model or its outputs to improve any other large language model (except Llama 3 and its derivatives).', url: LLAMA3_URL },
      mau(LLAMA3_URL),
      { text: 'Anything you ship with it must show "Built with Meta Llama 3", and a model you train from it must have a name starting with "Llama 3".', url: LLAMA3_URL },
      aup('https://www.llama.com/llama3/use-policy/'),
    ],
    url: LLAMA3_URL,
  },
  {
    id: 'gemma',
    name: 'Gemma Terms of Use',
    kind: 'restrictive',
    patterns: [/gemma/],
    summary: "Gemma: Google's Prohibited Use Policy applies and travels with every copy.",
    terms: [
      { text: "Use is bound by Google's Gemma Prohibited Use Policy, which you must pass on to anyone you share the model or derivatives with.", url: 'https://ai.google.dev/gemma/prohibited_use_policy' },
      { text: 'Google may restrict (remotely or otherwise) use it reasonably believes violates the terms.', url: 'https://ai.google.dev/gemma/terms' },
    ],
    url: 'https://ai.google.dev/gemma/terms',
  },
  {
    id: 'qwen-research',
    name: 'Qwen Research License',
    kind: 'restrictive',
    patterns: [/qwen[- ]research/],
    summary: 'Qwen Research License: non-commercial and research use only.',
    terms: [{ text: 'Only non-commercial and research use is allowed; commercial use needs a licence from Alibaba Cloud.', url: 'https://huggingface.co/Qwen/Qwen2.5-3B-Instruct/blob/main/LICENSE' }],
    url: 'https://huggingface.co/Qwen/Qwen2.5-3B-Instruct/blob/main/LICENSE',
  },
  {
    id: 'qwen',
    name: 'Qwen License',
    kind: 'restrictive',
    patterns: [/^qwen$/, /^tongyi-qianwen/, /qwen license/],
    summary: 'Qwen License (some sizes): 100M-user limit; "Built with Qwen" on derived models.',
    terms: [
      { text: 'Commercial use in a product or service with more than 100 million monthly active users needs a licence from Alibaba Cloud.', url: 'https://huggingface.co/Qwen/Qwen2.5-72B-Instruct/blob/main/LICENSE' },
      { text: 'A model you build or improve with it or its outputs must say "Built with Qwen" or "Improved using Qwen".', url: 'https://huggingface.co/Qwen/Qwen2.5-72B-Instruct/blob/main/LICENSE' },
    ],
    url: 'https://huggingface.co/Qwen/Qwen2.5-72B-Instruct/blob/main/LICENSE',
  },
  {
    id: 'cc-by-nc',
    name: 'Creative Commons Non-Commercial',
    kind: 'restrictive',
    patterns: [/^cc-by-nc/, /creative commons attribution[- ]non ?commercial/],
    summary: 'Creative Commons NC: not for commercial use.',
    terms: [{ text: 'Not for commercial use: no use primarily intended for commercial advantage or monetary compensation.', url: 'https://creativecommons.org/licenses/by-nc/4.0/legalcode' }],
    url: 'https://creativecommons.org/licenses/by-nc/4.0/',
  },
  {
    id: 'openrail',
    name: 'OpenRAIL',
    kind: 'restrictive',
    patterns: [/openrail/],
    summary: 'OpenRAIL: use restrictions that must be passed on.',
    terms: [{ text: 'The use restrictions in its attachment apply and must be included in any licence you share the model under.', url: 'https://www.licenses.ai/blog/2022/8/26/bigscience-open-rail-m-license' }],
    url: 'https://www.licenses.ai/',
  },
  {
    id: 'gpl',
    name: 'GNU GPL family',
    kind: 'restrictive',
    patterns: [/^(a|l)?gpl/],
    summary: 'Copyleft: shipping it in a product means sharing that product under the same licence.',
    terms: [{ text: 'Distributing it, or a work based on it, requires offering the source under the same licence.', url: 'https://www.gnu.org/licenses/' }],
    url: 'https://www.gnu.org/licenses/',
  },
  {
    id: 'apache-2.0',
    name: 'Apache 2.0',
    kind: 'permissive',
    patterns: [/^apache-?2(\.0)?$/, /apache license,? (version )?2/],
    summary: 'Permissive: commercial use allowed; keep the licence and notices.',
    terms: [],
    url: 'https://www.apache.org/licenses/LICENSE-2.0',
  },
  {
    id: 'mit',
    name: 'MIT',
    kind: 'permissive',
    patterns: [/^mit$/, /^mit license$/],
    summary: 'Permissive: commercial use allowed; keep the copyright notice.',
    terms: [],
    url: 'https://opensource.org/license/mit',
  },
  {
    id: 'permissive',
    name: 'Permissive',
    kind: 'permissive',
    patterns: [/^(bsd(-[\w.-]+)?|isc|unlicense|cc0-1\.0|cc-by-4\.0|zlib)$/],
    summary: 'Permissive: commercial use allowed with attribution.',
    terms: [],
    url: 'https://choosealicense.com/licenses/',
  },
];
