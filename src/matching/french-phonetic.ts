/**
 * A French phonetic key for blocking: names that sound alike in French (Lefèbvre, Lefebvre, Lefèvre; Gauthier,
 * Gautier; Phillipe, Philippe; Mathieu, Matthieu) get the same key.
 *
 * Algorithm: Soundex2, Frédéric Brouard's French adaptation of Soundex (1998), chosen because its rules are
 * written for French spelling (GU/QU → K, PH → F, SCH → S, silent final D/T/S/X, silent H) and it is short
 * enough to audit. Two changes for record linkage, where the key is one blocking key among several:
 * - the key is not truncated to 4 characters (Soundex2's fixed width made "Bertrand" and "Berthier" collide,
 *   which makes blocks large for nothing); `maxLength` restores truncation when wanted;
 * - multi-word names (Le Goff, De La Fontaine) are encoded as one word, so particles stay part of the key.
 * No well-kept npm package offers a French encoder (talisman's is unmaintained since 2020 and pulls lodash),
 * hence this one.
 */
export const frenchPhonetic = (name: string, maxLength = Number.POSITIVE_INFINITY): string => {
  let word = name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/Œ/g, 'E')
    .replace(/Æ/g, 'E')
    .replace(/[^A-Z]/g, '');
  if (word.length === 0) return '';
  // 1. Hard consonants: GU/QU before a vowel and C before A/O/U all sound K.
  word = word
    .replace(/GUI/g, 'KI')
    .replace(/GUE/g, 'KE')
    .replace(/GA/g, 'KA')
    .replace(/GO/g, 'KO')
    .replace(/GU/g, 'K')
    .replace(/CA/g, 'KA')
    .replace(/CO/g, 'KO')
    .replace(/CU/g, 'KU')
    .replace(/Q/g, 'K')
    .replace(/CC/g, 'K')
    .replace(/CK/g, 'K');
  // 2. Vowels other than the first letter become A (Y is kept: it is a consonant as often as a vowel).
  word = word[0] + word.slice(1).replace(/[EIOU]/g, 'A');
  // 3. Prefixes and groups that sound alike.
  word = word
    .replace(/^MAC/, 'MCC')
    .replace(/^ASA/, 'AZA')
    .replace(/^KN/, 'NN')
    .replace(/^PF/, 'FF')
    .replace(/^SCH/, 'SSS')
    .replace(/PH/g, 'FF')
    .replace(/BV/g, 'V');
  // 4. H is silent unless it makes CH or SH; Y is silent unless after A.
  word = word.replace(/([^CS])H/g, '$1').replace(/^H/, '');
  word = word.replace(/([^A])Y/g, '$1');
  // 5. Silent endings.
  word = word.replace(/[DTSX]+$/, '');
  if (word.length === 0) return name.slice(0, 1).toUpperCase();
  // 6. Vowels after the first letter carry little: drop them, then collapse doubled letters.
  word = word[0] + word.slice(1).replace(/A/g, '');
  word = word.replace(/(.)\1+/g, '$1');
  return word.slice(0, maxLength);
};
