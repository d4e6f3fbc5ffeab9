import { normaliseTitle } from '@pl/domain';

/**
 * The keywords (e.g. an organization's discovery keywords, 大祥) a title
 * mentions, compared after normaliseTitle on both sides (so full-width,
 * case, spaces and punctuation do not matter). Blank keywords never match.
 */
export function matchedKeywords(title: string, keywords: readonly string[]): string[] {
  const t = normaliseTitle(title);
  if (t === '') return [];
  return keywords.filter((k) => {
    const nk = normaliseTitle(k);
    return nk !== '' && t.includes(nk);
  });
}

/** True when the title mentions at least one of the keywords (see {@link matchedKeywords}). */
export function mentionsKeywords(title: string, keywords: readonly string[]): boolean {
  return matchedKeywords(title, keywords).length > 0;
}
