import { titleSimilarity } from './similarity';
import { cleanItemTitle } from './text';

/** The verdict on two titles: whether they name the same story, and a score in [0, 1] to rank candidates by. */
export interface TitleComparison {
  same: boolean;
  score: number;
}

/** Today's floor, until the corpus-judged rule replaces it. */
const SAME_STORY_SCORE = 0.8;

/**
 * Whether two titles (a placement's and a page's or item's) name the same
 * story. `score` ranks candidates that are the same story; `same` is the
 * verdict and the only thing to decide on.
 */
export function compareTitles(a: string, b: string): TitleComparison {
  const score = titleSimilarity(cleanItemTitle(a), cleanItemTitle(b));
  return { same: score >= SAME_STORY_SCORE, score };
}
