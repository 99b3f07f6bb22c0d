import { legalForms } from './french-data.js';
import type { Random } from './random.js';

const LEGAL_FORM = /\b(SARL|SAS|SASU|EURL|SA|SNC)\b/g;
const ABBREVIATIONS: readonly (readonly [RegExp, string])[] = [
  [/ & /g, ' et '],
  [/\bBoulangerie\b/g, 'Boul.'],
  [/\bInformatique\b/g, 'Info'],
  [/\bTransports\b/g, 'Transp.'],
  [/\bÉlectricité\b/g, 'Elec'],
  [/\bInstallations\b/g, 'Instal.'],
  [/\bConstruction\b/g, 'Const.'],
  [/\bDistribution\b/g, 'Distrib.'],
  [/\bImmobilier\b/g, 'Immo'],
  [/\bCabinet\b/g, 'Cab.'],
];

const dropLegalForm = (name: string): string => name.replace(LEGAL_FORM, '').replace(/\s+/g, ' ').trim();
const stripAccents = (name: string): string => name.normalize('NFD').replace(/\p{M}/gu, '');

/** One letter doubled, dropped or swapped with the next: a typing slip. */
const typo = (random: Random, name: string): string => {
  const at = random.int(1, Math.max(1, name.length - 2));
  switch (random.int(0, 2)) {
    case 0:
      return name.slice(0, at) + (name[at] ?? '') + name.slice(at);
    case 1:
      return name.slice(0, at) + name.slice(at + 1);
    default:
      return name.slice(0, at) + (name[at + 1] ?? '') + (name[at] ?? '') + name.slice(at + 2);
  }
};

/**
 * How one legal entity's name gets written by someone else: a CRM user, or a client's bookkeeper naming a
 * customer. The variants are the ones seen in real data (legal form added or dropped, capitals, accents lost,
 * abbreviations, a typo), and `exact` keeps a share identical so that the easy cases exist too.
 */
export const companyNameVariant = (random: Random, name: string, exact = 30): string => {
  const hasForm = new RegExp(LEGAL_FORM.source).test(name);
  const abbreviated = ABBREVIATIONS.reduce((text, [pattern, short]) => text.replace(pattern, short), name);
  return random.weighted<() => string>([
    [() => name, exact],
    [() => name.toUpperCase(), 15],
    [() => (hasForm ? dropLegalForm(name) : `${name} ${random.pick(legalForms)}`), 20],
    [() => stripAccents(name), 10],
    [() => (abbreviated === name ? stripAccents(name).toUpperCase() : abbreviated), 10],
    [() => typo(random, name), 10],
    [() => dropLegalForm(name).toLowerCase(), 5],
  ])();
};
