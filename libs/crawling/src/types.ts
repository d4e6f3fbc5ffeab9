/**
 * The contracts between the crawler's parts: fetching (fetch/), extraction
 * (extract/) and the crawl jobs that use both.
 */

/** A fetched page, decoded. */
export interface FetchedPage {
  /** The URL asked for. */
  requestedUrl: string;
  /** The URL the content came from, after redirects. */
  finalUrl: string;
  status: number;
  headers: Record<string, string>;
  /** The raw body (capped at the configured size). */
  body: Buffer;
  /** The body decoded to text (see fetch/decode.ts). */
  text: string;
  /** The encoding the text was decoded from, e.g. utf-8, gb18030. */
  encoding: string;
  /** sha256 of the raw body, hex. */
  sha256: string;
  fetchedAt: string;
  redirects: string[];
}

/** Why a fetch did not give a page. */
export type FetchFailureReason =
  | 'forbidden-address' // SSRF guard: loopback, private, link-local, metadata… (not allowed by config)
  | 'robots' // robots.txt disallows it for our User-Agent
  | 'timeout'
  | 'too-large'
  | 'too-many-redirects'
  | 'bad-url'
  | 'network'
  | 'http'; // a final non-2xx status after retries (status set)

export class FetchError extends Error {
  constructor(
    readonly reason: FetchFailureReason,
    message: string,
    readonly url: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'FetchError';
  }
}

/** Options of the fetcher; defaults are good citizenship. */
export interface FetcherOptions {
  userAgent: string;
  /** Whole-request timeout, ms. */
  timeoutMs: number;
  /** Largest body read, bytes. */
  maxBodyBytes: number;
  maxRedirects: number;
  /** Minimum delay between two requests to one host, ms (one request at a time per host). */
  perHostDelayMs: number;
  /** Retries on 5xx and timeouts (none on 4xx). */
  retries: number;
  /** `host:port` entries let through the SSRF guard (CRAWLER_ALLOW_HOSTS). */
  allowHosts: string[];
  /** Obey robots.txt (always true outside tests of the guard itself). */
  obeyRobots: boolean;
}

/** CSS selectors of a list page (or an e-paper page): one item, and within it its title, link and date. */
export interface ListSelectors {
  item: string;
  title?: string;
  link?: string;
  date?: string;
}

/** An article-like item found on a list, e-paper or feed page. */
export interface CrawledItem {
  title: string;
  /** Absolute URL. */
  url: string | null;
  /** Local date YYYY-MM-DD when one was found. */
  publishedOn: string | null;
  /** Where it was found (the page's URL). */
  foundOn: string;
}

/** What an article page says about itself. */
export interface ArticleInfo {
  title: string | null;
  publishedOn: string | null;
  /** Which source of the title was used: og:title, title, h1. */
  titleSource: 'og:title' | 'title' | 'h1' | null;
}
