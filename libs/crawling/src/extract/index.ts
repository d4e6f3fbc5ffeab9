export { parseChineseDate, parseListDate, dateFromUrl, datesAround, shanghaiDateOf, type ChineseDateOptions } from './dates';
export { extractArticle, ARTICLE_DATE_META, BODY_DATE_WINDOW, type ExtractArticleOptions } from './article';
export {
  extractList,
  extractLinksFallback,
  extractListWithFallback,
  resolveLink,
  FALLBACK_MIN_HAN,
  FALLBACK_DATE_CONTEXT,
  type ExtractListOptions,
} from './list';
export { extractFeed } from './feed';
export {
  epaperPageUrls,
  validateEpaperTemplate,
  EPAPER_TITLE_LIST_SELECTORS,
  EPAPER_IMAGE_MAP_SELECTORS,
  type EpaperPages,
} from './epaper';
export { titleSimilarity, normalisedSimilarity, CONTAINMENT_FLOOR, CONTAINMENT_MIN_CHARS } from './similarity';
export { mentionsKeywords, matchedKeywords } from './keywords';
export { stripSiteName, collapseWhitespace, countHan, cleanItemTitle } from './text';
export { compareTitles, compareTitleKeys, titleKey, MIN_SHARED_CHARS, INSERTION_WEIGHT, type TitleComparison, type TitleKey } from './title-match';
