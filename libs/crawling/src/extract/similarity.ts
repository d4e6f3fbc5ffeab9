import { distance } from 'fastest-levenshtein';
import { normaliseTitle } from '@pl/domain';

/**
 * A title that contains the other one entirely (newspapers add a 引题 above
 * and a 副题 below the 主题) scores at least this much, provided the
 * contained title has at least {@link CONTAINMENT_MIN_CHARS} characters after
 * normalisation.
 */
export const CONTAINMENT_FLOOR = 0.9;
export const CONTAINMENT_MIN_CHARS = 8;

/**
 * Similarity in [0, 1] of two titles: both are normalised (normaliseTitle:
 * NFKC, lower case, spaces, punctuation and symbols dropped), then
 * 1 − levenshtein / longer length, per character. When one contains the
 * other entirely and the shorter has at least 8 characters the score is at
 * least 0.9 (0.9 + 0.1 × shorter/longer, so a closer fit still ranks higher).
 * Identical after normalisation is 1; an empty title scores 0.
 */
export function titleSimilarity(a: string, b: string): number {
  return normalisedSimilarity(normaliseTitle(a), normaliseTitle(b));
}

/** {@link titleSimilarity} of titles already passed through normaliseTitle. */
export function normalisedSimilarity(na: string, nb: string): number {
  if (na.length === 0 || nb.length === 0) return 0;
  if (na === nb) return 1;
  const [shorter, longer] = na.length <= nb.length ? [na, nb] : [nb, na];
  const edit = 1 - distance(na, nb) / longer.length;
  if (shorter.length >= CONTAINMENT_MIN_CHARS && longer.includes(shorter)) {
    return Math.max(edit, CONTAINMENT_FLOOR + (1 - CONTAINMENT_FLOOR) * (shorter.length / longer.length));
  }
  return edit;
}
