import { ChildProcess, fork, spawn } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { INestApplication } from '@nestjs/common';
import { load } from 'cheerio';
import { DataSource } from 'typeorm';
import { Agent, request } from 'undici';
import { createApiApp } from '../../apps/api/src/create-api-app';
import { Accounts } from '@pl/accounts';
import { CATALOG, loadCatalog } from '@pl/placements';
import { AppConfig, loadConfig, repoRoot } from '@pl/config';
import { decodeText } from '@pl/domain';
import {
  EPAPER_TITLE_LIST_SELECTORS,
  ListSelectors,
  extractArticle,
  extractFeed,
  extractList,
} from '@pl/crawling';
import { Channel, CrawlSource, Organization, SqlDialect, openDatabase } from '@pl/persistence';
import { ConcurrencyRecorder, FixtureServer, createConcurrencyRecorder, startFixtureServer } from '../fixtures/crawl/server';
import { matcherBench, printMatcherSummary } from './title-matcher';
import {
  BenchDatabase,
  MB,
  REDIS_URL,
  createBenchDatabase,
  deleteQueueKeys,
  envInt,
  fmt,
  log,
  processedCount,
  procCpuMs,
  procMemory,
  runTag,
  sleep,
  table,
  usingPostgres,
  runBench,
  cleanUp,
  onCleanup,
} from './support';

/**
 * npm run bench:crawl — the crawler benchmark of issue 4 ("Performance").
 * In one run:
 *  (a) parse-and-extract throughput on the fixture corpus
 *      (test/fixtures/crawl/corpus): every page decoded as the fetcher does
 *      (decodeText), then the platform's extraction (extractList with the
 *      page's selectors for list and e-paper pages, extractArticle for
 *      articles, extractFeed for feeds) against raw `cheerio.load` plus the
 *      same CSS selectors picking the same fields (title text, href, date
 *      text). Interleaved as finely as possible: in every round each page
 *      goes through both, back to back, which one first alternating, so that
 *      noise from other processes hits both alike. Reported: the medians of
 *      the rounds' pages/s and of their platform/raw ratios (target ≥ 0.8×).
 *  (b) end-to-end confirmation of N claimed placements (10,000 by default)
 *      against the loopback fixture server (its own process) serving N
 *      generated article pages (og:title = the placement's title). As setup
 *      the placements go through the real ingestion path (bulk API + the
 *      worker process); then a fresh real crawler process
 *      (dist/apps/crawler/src/main.js, CRAWLER_HOST_DELAY_MS=0) confirms them
 *      (POST /api/orgs/:org/crawl/confirm) and the real worker process writes
 *      the statuses. Measured: POST → the run completed AND all N placements
 *      `confirmed` in the database (placements/s), and the crawler's peak RSS
 *      (VmHWM; target ≤ 200 MB). The crawler runs with the node flags of
 *      `npm run start:crawler` (its heap cap), as deployed. Two passes, each with its own organization and crawler: the
 *      crawler's writes unbatched (CRAWLER_WRITE_BATCH=1, as before they were
 *      gathered) and batched (the default). Baseline: the same N pages
 *      fetched one at a time (as per-host politeness does) with undici and
 *      parsed with cheerio.load.
 *  (h) hosts in parallel: 1,000 claimed placements spread over 50 loopback
 *      hosts (127.0.0.2…127.0.0.51, one fixture server each, in one process;
 *      politeness is per host name), CRAWLER_HOST_DELAY_MS=200, confirmed end
 *      to end by the real crawler and worker processes as in (b): the default
 *      CRAWLER_HOST_CONCURRENCY against the sequential order of before
 *      (CRAWLER_HOST_CONCURRENCY=1: one host after another, ~(pages + one
 *      robots.txt per host) × 200 ms ≈ 210 s), both in full, in the same run.
 *      Reported: placements/s of each, their ratio, the expected sequential
 *      time, and the most requests the servers saw at once on one host.
 *  (m) the title matcher on the labelled corpus (test/fixtures/titles): precision,
 *      recall and µs per pair of compareTitles and, as the baseline in the same run,
 *      of the rule it replaced (titleSimilarity ≥ 0.8); see title-matcher.ts.
 * SQLite by default, PostgreSQL when DATABASE_URL is set. Loopback only; the
 * catalog's seeded sources (real outlets) are disabled in the bench database.
 * Exit 0 whether or not the target is met, non-zero on errors. Cleans up its
 * database, Redis keys and child processes. Knobs: SIZES below,
 * BENCH_ONLY=a|b|h|m (comma-separated; default all), BENCH_PARALLEL_PLACEMENTS|HOSTS|DELAY_MS, BENCH_MATCHER_ROUNDS, BENCH_CRAWL_COMPARE=0 (batched pass only),
 * BENCH_CRAWLER_NODE_ARGS (extra node flags for the crawler, e.g. --cpu-prof).
 */

const SIZES = {
  /** Passes over the whole corpus per round. */
  iterations: envInt('BENCH_EXTRACT_ITERATIONS', 30),
  /** Measured rounds, after a warm-up round. */
  rounds: envInt('BENCH_EXTRACT_ROUNDS', 11),
  placements: envInt('BENCH_CRAWL_PLACEMENTS', 10_000),
  /** (h): placements, loopback hosts they are spread over, politeness delay. */
  parallelPlacements: envInt('BENCH_PARALLEL_PLACEMENTS', 1_000),
  parallelHosts: envInt('BENCH_PARALLEL_HOSTS', 50),
  parallelDelayMs: envInt('BENCH_PARALLEL_DELAY_MS', 200),
  bulkSize: envInt('BENCH_CRAWL_BULK_SIZE', 5_000),
  stallMs: envInt('BENCH_STALL_SECONDS', 60) * 1000,
  progressMs: envInt('BENCH_PROGRESS_MS', 5000),
  timeoutMs: envInt('BENCH_TIMEOUT_SECONDS', 1800) * 1000,
  /** Timed passes of (m) over the title-pair corpus. */
  matcherRounds: envInt('BENCH_MATCHER_ROUNDS', 21),
};
const ONLY = new Set((process.env.BENCH_ONLY ?? 'a,b,h,m').split(',').map((s) => s.trim().toLowerCase()));
const EXTRACT_TARGET = 0.8;
/** The crawler's peak RSS in (b)'s default (batched) pass, MB. */
const CRAWLER_RSS_TARGET_MB = 200;


const rate = (n: number, ms: number) => (n * 1000) / ms;
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const loadAvg = () => os.loadavg()[0].toFixed(2);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

// ---------------------------------------------------------------------------
// (a) extraction throughput on the corpus

type Kind = 'article' | 'list' | 'epaper' | 'feed';
const KINDS: Kind[] = ['article', 'list', 'epaper', 'feed'];

/** The selectors of the corpus README: 邵阳新闻网's list pages, and the e-paper's title list. */
const NEWS_LIST_SELECTORS: ListSelectors = { item: 'ul.news-list li', title: 'a', link: 'a', date: 'span.date' };

interface CorpusPage {
  path: string;
  kind: Kind;
  url: string;
  text: string;
  encoding: string;
  bytes: number;
  selectors?: ListSelectors;
}

const CORPUS_DIR = path.join(repoRoot(), 'test', 'fixtures', 'crawl', 'corpus');
const CORPUS_ORIGIN = 'http://127.0.0.1:8080';

function walk(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const file = path.join(dir, name);
      return statSync(file).isDirectory() ? walk(file) : [file];
    });
}

/** Every HTML and feed page of the corpus, decoded as the fetcher decodes what the fixture server sends. */
function loadCorpus(): CorpusPage[] {
  const pages: CorpusPage[] = [];
  for (const file of walk(CORPUS_DIR)) {
    const rel = path.relative(CORPUS_DIR, file).split(path.sep).join('/');
    const ext = path.extname(file).toLowerCase();
    if (ext !== '.html' && ext !== '.xml') continue;
    // The fixture server's Content-Type (no charset), unless a sidecar sets one.
    let contentType = ext === '.xml' ? 'application/xml' : 'text/html';
    try {
      const sidecar = JSON.parse(readFileSync(`${file}.headers.json`, 'utf8')) as Record<string, string>;
      for (const [k, v] of Object.entries(sidecar)) if (k.toLowerCase() === 'content-type') contentType = v;
    } catch {
      // no sidecar
    }
    const body = readFileSync(file);
    const decoded = decodeText(body, { contentType });
    const kind: Kind = rel.startsWith('feeds/')
      ? 'feed'
      : /^epaper\/.*\/node_\d+\.html$/.test(rel)
        ? 'epaper'
        : /^news\/(list(_\d+)?|redesign)\.html$/.test(rel)
          ? 'list'
          : 'article';
    pages.push({
      path: rel,
      kind,
      url: `${CORPUS_ORIGIN}/${rel}`,
      text: decoded.text,
      encoding: decoded.encoding,
      bytes: body.length,
      selectors: kind === 'epaper' ? EPAPER_TITLE_LIST_SELECTORS : kind === 'list' ? NEWS_LIST_SELECTORS : undefined,
    });
  }
  if (pages.length === 0) throw new Error(`no pages under ${CORPUS_DIR}`);
  return pages;
}

/** What one extraction yields, reduced to a number so that no work can be skipped. */
type Extractor = (page: CorpusPage) => number;

const len = (s: string | null | undefined) => (s ? s.length : 0);

/** The platform: what the crawler runs on each kind of page. */
const platform: Extractor = (page) => {
  switch (page.kind) {
    case 'article': {
      const a = extractArticle(page.text, page.url);
      return len(a.title) + len(a.publishedOn);
    }
    case 'feed':
      return extractFeed(page.text, page.url).reduce((n, i) => n + i.title.length + len(i.url) + len(i.publishedOn), 0);
    default:
      return extractList(page.text, page.url, page.selectors!).reduce((n, i) => n + i.title.length + len(i.url) + len(i.publishedOn), 0);
  }
};

/**
 * The date metas of the corpus's pages, as a hand-written scraper would pick
 * them: a short selector list (extractArticle reads ARTICLE_DATE_META, 15
 * names, in one walk; a selector list of all of them would make the raw side
 * slower and flatter the ratio).
 */
const DATE_META_SELECTOR = 'meta[property="article:published_time"], meta[name="publishdate" i], meta[name="pubdate" i]';

/** Raw cheerio: load, then the same CSS selectors picking the same fields as text. */
const raw: Extractor = (page) => {
  switch (page.kind) {
    case 'article': {
      const $ = load(page.text);
      const og = $('meta[property="og:title"]').attr('content');
      const title = $('title').first().text();
      const h1 = $('h1').first().text();
      const date = $(DATE_META_SELECTOR).first().attr('content');
      return len(og) + len(title) + len(h1) + len(date);
    }
    case 'feed': {
      const $ = load(page.text, { xml: true });
      let n = 0;
      $('item, entry').each((_, el) => {
        const $el = $(el);
        const link = $el.children('link').first();
        n += $el.children('title').first().text().length;
        n += len(link.attr('href') ?? link.text());
        n += $el.children('pubDate, published, updated').first().text().length;
      });
      return n;
    }
    default: {
      const sel = page.selectors!;
      const $ = load(page.text);
      let n = 0;
      $(sel.item).each((_, el) => {
        const $el = $(el);
        const link = $el.find(sel.link ?? 'a[href]').first();
        n += (sel.title ? $el.find(sel.title).first() : link).text().length;
        n += len(link.attr('href'));
        if (sel.date) n += $el.find(sel.date).first().text().length;
      });
      return n;
    }
  }
};

/** Items (lists, feeds) or titles (articles) each side finds: a check that both read the same pages. */
function foundCounts(pages: CorpusPage[]): Record<Kind, { platform: number; raw: number }> {
  const out = Object.fromEntries(KINDS.map((k) => [k, { platform: 0, raw: 0 }])) as Record<Kind, { platform: number; raw: number }>;
  for (const p of pages) {
    if (p.kind === 'article') {
      out.article.platform += extractArticle(p.text, p.url).title ? 1 : 0;
      const $ = load(p.text);
      out.article.raw += $('meta[property="og:title"]').attr('content') || $('title').first().text() || $('h1').first().text() ? 1 : 0;
    } else if (p.kind === 'feed') {
      out.feed.platform += extractFeed(p.text, p.url).length;
      out.feed.raw += load(p.text, { xml: true })('item, entry').length;
    } else {
      out[p.kind].platform += extractList(p.text, p.url, p.selectors!).length;
      out[p.kind].raw += load(p.text)(p.selectors!.item).length;
    }
  }
  return out;
}

interface ExtractResult {
  pages: number;
  bytes: number;
  perKind: Record<Kind, { pages: number; platform: number; raw: number }>;
  platformRate: number;
  rawRate: number;
  ratio: number;
  ratioRange: [number, number];
  /** pages/s from the sum over pages of each page's median call time. */
  typical: { platform: number; raw: number };
  found: ReturnType<typeof foundCounts>;
}

let sink = 0;

function extraction(): ExtractResult {
  const pages = loadCorpus();
  const byKind = new Map<Kind, CorpusPage[]>(KINDS.map((k) => [k, pages.filter((p) => p.kind === k)]));
  log(`\n(a) extraction: ${pages.length} corpus pages (${KINDS.map((k) => `${byKind.get(k)!.length} ${k}`).join(', ')}; ${fmt(pages.reduce((n, p) => n + p.bytes, 0) / 1024, 1)} KB; encodings ${[...new Set(pages.map((p) => p.encoding))].join(', ')})`);
  log(`    ${SIZES.rounds} rounds after a warm-up, each ${SIZES.iterations} passes over every page; on each page platform and raw run back to back, which first alternating`);

  // ms per round, per kind and side
  const times = Object.fromEntries(KINDS.map((k) => [k, { platform: [] as number[], raw: [] as number[] }])) as Record<
    Kind,
    { platform: number[]; raw: number[] }
  >;
  const roundRates: { platform: number; raw: number }[] = [];
  // Every call's time, per page and side: the sum of per-page medians is a second, spike-proof estimate.
  const calls = pages.map(() => ({ platform: [] as number[], raw: [] as number[] }));
  for (let round = -1; round < SIZES.rounds; round++) {
    const warmUp = round < 0;
    const iterations = warmUp ? Math.max(2, Math.ceil(SIZES.iterations / 4)) : SIZES.iterations;
    const ms = Object.fromEntries(KINDS.map((k) => [k, { platform: 0, raw: 0 }])) as Record<Kind, { platform: number; raw: number }>;
    // The finest interleave: each page through both sides in turn, so that noise from other processes hits both alike.
    for (let i = 0; i < iterations; i++) {
      pages.forEach((p, k) => {
        const rawFirst = (round + i + k) % 2 === 1;
        for (const side of rawFirst ? (['raw', 'platform'] as const) : (['platform', 'raw'] as const)) {
          const t0 = performance.now();
          sink += (side === 'platform' ? platform : raw)(p);
          const t = performance.now() - t0;
          ms[p.kind][side] += t;
          if (!warmUp) calls[k][side].push(t);
        }
      });
    }
    if (warmUp) continue;
    for (const k of KINDS) {
      times[k].platform.push(ms[k].platform);
      times[k].raw.push(ms[k].raw);
    }
    const n = pages.length * iterations;
    const total = (side: 'platform' | 'raw') => KINDS.reduce((t, k) => t + ms[k][side], 0);
    roundRates.push({ platform: rate(n, total('platform')), raw: rate(n, total('raw')) });
  }

  const perKind = Object.fromEntries(
    KINDS.map((k) => {
      const n = byKind.get(k)!.length * SIZES.iterations;
      return [k, { pages: byKind.get(k)!.length, platform: rate(n, median(times[k].platform)), raw: rate(n, median(times[k].raw)) }];
    }),
  ) as ExtractResult['perKind'];
  const ratios = roundRates.map((r) => r.platform / r.raw);
  const typicalMs = (side: 'platform' | 'raw') => calls.reduce((t, c) => t + median(c[side]), 0);
  return {
    typical: { platform: rate(pages.length, typicalMs('platform')), raw: rate(pages.length, typicalMs('raw')) },
    pages: pages.length,
    bytes: pages.reduce((n, p) => n + p.bytes, 0),
    perKind,
    platformRate: median(roundRates.map((r) => r.platform)),
    rawRate: median(roundRates.map((r) => r.raw)),
    ratio: median(ratios),
    ratioRange: [Math.min(...ratios), Math.max(...ratios)],
    found: foundCounts(pages),
  };
}

// ---------------------------------------------------------------------------
// (b) end-to-end confirmation

const TOPICS = [
  '“一件事一次办”跑出审批加速度',
  '冬季森林防火工作部署会召开',
  '打造“15分钟便民生活圈”',
  '乡村振兴农产品展销会开幕',
  '反诈宣传进社区活动走深走实',
  '老旧小区改造让居民住得更舒心',
  '社区网格化服务提质增效',
  '产业园项目建设按下快进键',
];
const DISTRICT_NEWS = [
  '双清区开展“清洁家园”志愿服务活动',
  '北塔区新建城市书房正式开放',
  '隆回县金银花产业带动群众增收',
  '邵东市举办五金产品博览会',
  '新宁县崀山景区冬季旅游持续升温',
  '武冈市古城保护修缮工程完工',
];

/** The claimed title of bench placement i, and the og:title of its page. */
const benchTitle = (tag: string, i: number) => `大祥区${TOPICS[i % TOPICS.length]}（${tag}-${i}）`;
const benchDate = (i: number) => new Date(Date.UTC(2021, 0, 1) + (i % 365) * 86_400_000).toISOString().slice(0, 10);
const benchPath = (i: number) => `/bench/a/${i}.html`;

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** An article page shaped like the corpus's 邵阳新闻网 articles, with a realistic amount of surrounding page (~7 KB). */
function benchPage(tag: string, i: number): string {
  const title = escapeHtml(benchTitle(tag, i));
  const date = benchDate(i);
  const [y, m, d] = date.split('-');
  const nav = ['首页', '邵阳要闻', '县区新闻', '民生', '经济', '文化', '教育', '健康', '视频', '专题'];
  const para = (k: number) =>
    `<p>${Number(m)}月${Number(d)}日，记者从大祥区有关部门获悉，${TOPICS[(i + k) % TOPICS.length]}相关工作稳步推进。` +
    `今年以来，大祥区坚持以人民为中心的发展思想，聚焦群众急难愁盼问题，推动各项惠民举措落地见效，` +
    `群众获得感、幸福感、安全感持续提升。（第${k + 1}段）</p>`;
  const related = DISTRICT_NEWS.map(
    (t, k) => `<li><a href="/news/${y}/${m}/${d}/article_${(i * 7 + k) % 10_000}.html" target="_blank">${t}</a><span>${date}</span></li>`,
  ).join('\n      ');
  return `<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}_县区新闻_邵阳新闻网</title>
<meta name="keywords" content="大祥区,${escapeHtml(TOPICS[i % TOPICS.length])}">
<meta name="description" content="${escapeHtml(TOPICS[i % TOPICS.length])}">
<meta property="og:type" content="article">
<meta property="og:site_name" content="邵阳新闻网">
<meta property="og:title" content="${title}">
<meta name="publishdate" content="${date} 10:05:00">
<link rel="stylesheet" href="/static/css/article.css">
<script>var _hmt = _hmt || []; (function () { var hm = document.createElement('script'); hm.src = '/static/js/stat.js'; })();</script>
</head>
<body>
<div class="top-bar"><span class="today">今天是${Number(y)}年${Number(m)}月${Number(d)}日</span><a href="/login">登录</a> | <a href="/register">注册</a></div>
<div class="header"><h1 class="logo"><a href="/">邵阳新闻网</a></h1></div>
<nav class="channel-nav">${nav.map((n, k) => `<a href="/news/c${k}.html">${n}</a>`).join('')}</nav>
<div class="breadcrumb">当前位置：<a href="/">首页</a> &gt; <a href="/news/list.html">县区新闻</a> &gt; 正文</div>
<div class="main">
  <div class="article">
    <h1 class="title">${title}</h1>
    <div class="info"><span>来源：大祥区融媒体中心</span><span>${date}</span><span>10:05</span><span>浏览：<em id="hits">${(i * 37) % 5000}</em></span></div>
    <div class="content">
      ${Array.from({ length: 8 }, (_, k) => para(k)).join('\n      ')}
      <p style="text-align:center"><img src="/uploads/${y}${m}/${i}.jpg" alt="${title}"></p>
    </div>
    <div class="editor">责任编辑：张三 &nbsp; 审核：李四</div>
  </div>
  <div class="sidebar">
    <h3>热点排行</h3>
    <ul class="hot">
      ${related}
    </ul>
  </div>
</div>
<div class="footer"><p>邵阳新闻网 版权所有 未经授权禁止复制</p><p>湘ICP备00000000号 | 互联网新闻信息服务许可证</p></div>
</body>
</html>
`;
}

/** Messages of the fixture server child process. */
type ServerMessage =
  | { type: 'ready'; urls: string[]; hosts: string[]; pages: number; bytes: number }
  | { type: 'hits'; n: number; maxPerHost: number; maxHostsAtOnce: number };

/**
 * The loopback fixture server (test/fixtures/crawl/server.ts) with the N
 * generated pages added (addFile), in its own process so that serving costs
 * neither the crawler nor the bench process any CPU. With `hostCount` > 1,
 * one server per loopback address (127.0.0.2, 127.0.0.3…: politeness is per
 * host name, so ports alone would make one host), page i on host i mod
 * hostCount, every server counting requests in flight per host and overall.
 */
async function serveFixtures(tag: string, n: number, hostCount: number): Promise<void> {
  // Keep-alive as real servers have it (5 s and more): undici keeps a connection only when the server's
  // Keep-Alive hint exceeds its 2 s threshold, so at the fixture's default of 2 s (quick test teardown)
  // every request would open a new connection.
  // Counted from one 'hits' message with reset to the next (a pass), by a recorder swapped at each reset.
  let recorder = createConcurrencyRecorder();
  const counting: ConcurrencyRecorder = {
    get maxOverall() {
      return recorder.maxOverall;
    },
    get maxPerHost() {
      return recorder.maxPerHost;
    },
    get maxHostsAtOnce() {
      return recorder.maxHostsAtOnce;
    },
    begin: (host) => recorder.begin(host),
  };
  const servers: FixtureServer[] = [];
  if (hostCount <= 1) servers.push(await startFixtureServer({ keepAliveTimeoutMs: 10_000, concurrency: counting }));
  for (let h = 0; hostCount > 1 && h < hostCount; h++) {
    const listenHost = `127.0.0.${h + 2}`;
    // The same port on every address when it is free there (a shorter allow list to read), any port otherwise.
    const start = (port?: number) => startFixtureServer({ keepAliveTimeoutMs: 10_000, listenHost, port, concurrency: counting });
    servers.push(await start(servers[0]?.port).catch(() => start()));
  }
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const body = Buffer.from(benchPage(tag, i), 'utf8');
    bytes += body.length;
    servers[i % servers.length].addFile(benchPath(i), { body });
  }
  process.on('message', (msg: { type: string; reset?: boolean }) => {
    if (msg.type !== 'hits') return;
    const reply = {
      type: 'hits',
      n: servers.reduce((t, s) => t + s.hits.all().length, 0),
      maxPerHost: Math.max(0, ...recorder.maxPerHost.values()),
      maxHostsAtOnce: recorder.maxHostsAtOnce,
    } satisfies ServerMessage;
    if (msg.reset) recorder = createConcurrencyRecorder();
    process.send?.(reply);
  });
  process.on('disconnect', () => void Promise.all(servers.map((s) => s.close())).finally(() => process.exit(0)));
  process.send?.({ type: 'ready', urls: servers.map((s) => s.url), hosts: servers.map((s) => s.host), pages: n, bytes } satisfies ServerMessage);
}

class FixtureServerProcess {
  private constructor(
    readonly child: ChildProcess,
    readonly info: Extract<ServerMessage, { type: 'ready' }>,
  ) {}

  static async start(tag: string, n: number, hostCount = 1): Promise<FixtureServerProcess> {
    const child = fork(__filename, ['--fixture-server', tag, String(n), String(hostCount)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    onCleanup('fixture server process', () => stopChild(child, 'SIGTERM', 5_000));
    const info = await new Promise<Extract<ServerMessage, { type: 'ready' }>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('fixture server not ready within 120 s')), 120_000);
      child.once('exit', (code) => reject(new Error(`fixture server exited (${code}) before it was ready`)));
      child.on('message', (msg: ServerMessage) => {
        if (msg.type === 'ready') {
          clearTimeout(timer);
          resolve(msg);
        }
      });
    });
    return new FixtureServerProcess(child, info);
  }

  /** The URL of page i (its host's origin + benchPath(i)). */
  pageUrl(i: number): string {
    return `${this.info.urls[i % this.info.urls.length]}${benchPath(i)}`;
  }

  /**
   * Requests served so far over every host, and the most in flight at once
   * on one host and over hosts since the last reset (`reset`: start counting those again).
   */
  hits(reset = false): Promise<Extract<ServerMessage, { type: 'hits' }>> {
    return new Promise((resolve) => {
      const on = (msg: ServerMessage) => {
        if (msg.type !== 'hits') return;
        this.child.off('message', on);
        resolve(msg);
      };
      this.child.on('message', on);
      this.child.send({ type: 'hits', reset });
    });
  }
}

async function stopChild(child: ChildProcess, signal: NodeJS.Signals, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<boolean>((r) => child.once('exit', () => r(true)));
  child.kill(signal);
  if (!(await Promise.race([exited, sleep(graceMs).then(() => false)]))) {
    child.kill('SIGKILL');
    await exited;
  }
}

/** Starts `node <main>` with the env; resolves once its output shows `ready`. */
async function startService(name: string, main: string, env: Record<string, string>, ready: RegExp, nodeArgs: string[] = []): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...nodeArgs, main], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  onCleanup(`${name} process`, () => stopChild(child, 'SIGTERM', 15_000));
  let output = '';
  const relay = (stream: NodeJS.ReadableStream, sink: NodeJS.WriteStream) =>
    stream.on('data', (c: Buffer) => {
      const text = c.toString('utf8');
      if (output.length < 20_000) output += text;
      if (/warn|error/i.test(text)) sink.write(text.split('\n').filter(Boolean).map((l) => `    [${name}] ${l}\n`).join(''));
    });
  relay(child.stdout!, process.stdout);
  relay(child.stderr!, process.stderr);
  const deadline = Date.now() + 60_000;
  while (!ready.test(output)) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode} before it was ready:\n${output}`);
    if (Date.now() > deadline) throw new Error(`${name} not ready within 60 s:\n${output}`);
    await sleep(50);
  }
  return child;
}

/** The node flags an npm script starts its process with (`node <flags> dist/…`), so that the bench runs it the same way. */
function startScriptNodeArgs(script: string): string[] {
  const pkg = JSON.parse(readFileSync(path.join(repoRoot(), 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const words = (pkg.scripts[script] ?? '').split(/\s+/);
  const node = words.indexOf('node');
  return node < 0 ? [] : words.slice(node + 1).filter((w) => w.startsWith('--'));
}

const distMain = (app: string) => path.resolve(__dirname, '..', '..', 'apps', app, 'src', 'main.js');

async function postJson(port: number, urlPath: string, body: unknown, authorization: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`http://127.0.0.1:${port}${urlPath}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

interface RunRow {
  state: string;
  pages: number;
  confirmed: number;
  errors: number;
}

async function runRow(ds: DataSource, runId: string): Promise<RunRow> {
  const p = new SqlDialect(ds).param(1);
  const [row] = await ds.query(`SELECT state, pages, confirmed, errors FROM crawl_runs WHERE id = ${p}`, [runId]);
  if (!row) throw new Error(`crawl run ${runId} not found`);
  const errors = typeof row.errors === 'string' ? (JSON.parse(row.errors) as unknown[]) : (row.errors as unknown[]);
  return { state: row.state, pages: Number(row.pages), confirmed: Number(row.confirmed), errors: errors.length };
}

async function statusCount(ds: DataSource, orgId: number, status: string): Promise<number> {
  const sql = new SqlDialect(ds);
  const [{ n }] = await ds.query(`SELECT COUNT(*) AS n FROM placements WHERE organization_id = ${sql.param(1)} AND status = ${sql.param(2)}`, [
    orgId,
    status,
  ]);
  return Number(n);
}

interface BaselineResult {
  n: number;
  ms: number;
  rate: number;
}

/** The floor: the same pages GET one at a time over one keep-alive connection (undici) and parsed with cheerio.load. */
async function rawFetchBaseline(origin: string, n: number): Promise<BaselineResult> {
  const agent = new Agent({ connections: 1 });
  try {
    const started = performance.now();
    for (let i = 0; i < n; i++) {
      const res = await request(`${origin}${benchPath(i)}`, { dispatcher: agent });
      if (res.statusCode !== 200) throw new Error(`baseline: HTTP ${res.statusCode} for ${benchPath(i)}`);
      const $ = load(Buffer.from(await res.body.arrayBuffer()).toString('utf8'));
      sink += ($('meta[property="og:title"]').attr('content') ?? '').length;
    }
    const ms = performance.now() - started;
    return { n, ms, rate: rate(n, ms) };
  } finally {
    await agent.close();
  }
}

/** A crawler configuration measured in (b). */
interface Variant {
  name: string;
  env: Record<string, string>;
}

/**
 * "unbatched" is the crawler as it was before its writes were gathered: each
 * confirmation enqueued on its own and each run count its own UPDATE
 * (CRAWLER_WRITE_BATCH=1); "batched" is the default (CRAWLER_WRITE_BATCH
 * unset: 100). BENCH_CRAWL_COMPARE=0 measures the default only.
 */
const VARIANTS: Variant[] = [
  ...(process.env.BENCH_CRAWL_COMPARE === '0' ? [] : [{ name: 'unbatched (CRAWLER_WRITE_BATCH=1, as before)', env: { CRAWLER_WRITE_BATCH: '1' } }]),
  { name: 'batched (default CRAWLER_WRITE_BATCH)', env: {} },
];

interface PassResult {
  variant: Variant;
  writeBatch: number;
  n: number;
  /** POST confirm → run completed (the crawler's pass). */
  crawlMs: number;
  hostConcurrency: number;
  /** POST confirm → all N placements confirmed in the database. */
  ms: number;
  rate: number;
  crawlerReady: number;
  crawlerPeak: number;
  crawlerSampled: number;
  crawlerCpuMs: number;
  workerCpuMs: number;
  serverCpuMs: number;
  check: string;
}

interface ConfirmResult {
  n: number;
  baseline: BaselineResult;
  passes: PassResult[];
  workerPeak: number;
  setupMs: number;
}

/** What every pass of a part shares: the database, the fixture server, the API and the worker. */
interface Bench {
  tag: string;
  ds: DataSource;
  baseEnv: Record<string, string>;
  port: number;
  server: FixtureServerProcess;
  worker: ChildProcess;
  channels: Channel[];
  /** The Authorization header of the bench's requests (an API token, as a script's). */
  authorization: string;
}

/**
 * A part's own database (catalog loaded, seeded real-outlet sources
 * disabled), queue prefix, fixture server process serving `n` generated
 * pages over `hostCount` loopback hosts, the API in this process and the
 * real worker process.
 */
async function startBench(tag: string, part: string, title: string, n: number, hostCount: number): Promise<Bench> {
  const prefix = `plbench-${tag}-crawl${part}`;
  onCleanup('queue keys', async () => {
    const deleted = await deleteQueueKeys([prefix]);
    log(`cleanup: deleted ${fmt(deleted)} Redis keys under ${prefix}:*`);
  });
  const db: BenchDatabase = await createBenchDatabase(`${tag}${part}`);
  onCleanup('database', async () => {
    await db.drop();
    log(`cleanup: dropped ${db.describe}`);
  });
  log(`\n${title}: ${db.describe}; Redis ${REDIS_URL}, queue prefix ${prefix}`);

  const baseEnv = { NODE_ENV: 'production', REDIS_URL, QUEUE_PREFIX: prefix, ...db.env };
  const config: AppConfig = loadConfig({ ...baseEnv, LOG_LEVEL: 'warn' });
  const ds = await openDatabase(config.database);
  onCleanup('bench data source', () => ds.destroy());
  await loadCatalog(ds, CATALOG);
  // The catalog seeds crawl sources of real outlets with schedules: off in the bench, so that nothing but loopback is ever fetched.
  const seeded = await ds.createQueryBuilder().update(CrawlSource).set({ enabled: false }).execute();
  const channels = await ds.getRepository(Channel).find({ order: { id: 'ASC' } });
  // The API needs a signed-in caller: the bench's requests carry an API token, as a script's would.
  await new Accounts(ds).addUser({ username: 'bench', password: `bench-${tag}`, role: 'admin' });
  const authorization = `Bearer ${(await new Accounts(ds).addToken({ name: 'bench', username: 'bench', createdBy: 'cli:bench' })).token}`;
  log(`    catalog loaded (${channels.length} channels; its ${seeded.affected ?? 0} seeded crawl sources disabled: real outlets are never fetched)`);

  const server = await FixtureServerProcess.start(`${tag}${part}`, n, hostCount);
  const where = server.info.urls.length === 1 ? server.info.urls[0] : `${server.info.urls.length} loopback hosts (${server.info.urls[0]} … ${server.info.urls[server.info.urls.length - 1]})`;
  log(`    fixture server (own process, pid ${server.child.pid}) on ${where}: ${fmt(n)} generated article pages under /bench/a/, ${fmt(server.info.bytes / n / 1024, 1)} KB each`);

  const app: INestApplication = await createApiApp(config, { withWorker: false });
  onCleanup('API app', () => app.close());
  await app.listen(0, '127.0.0.1');
  const port = ((app.getHttpServer() as Server).address() as AddressInfo).port;
  const worker = await startService('worker', distMain('worker'), { ...baseEnv, LOG_LEVEL: 'log' }, /worker ready/);
  log(`    API (no worker) in the bench process on 127.0.0.1:${port}; the real worker process (pid ${worker.pid}) writes the statuses; a fresh crawler process per pass`);
  return { tag: `${tag}${part}`, ds, baseEnv, port, server, worker, channels, authorization };
}

async function endToEnd(tag: string): Promise<ConfirmResult> {
  const n = SIZES.placements;
  const bench = await startBench(tag, '', `(b) end-to-end confirmation of ${fmt(n)} claimed placements`, n, 1);
  const { server, worker } = bench;

  log(`    baseline: the same ${fmt(n)} pages fetched one at a time (undici, one keep-alive connection) + cheerio.load, from the bench process`);
  const baseline = await rawFetchBaseline(server.info.urls[0], n);
  log(`    baseline: ${fmt(baseline.rate)} pages/s (${secs(baseline.ms)}); load average ${loadAvg()}`);

  const passes: PassResult[] = [];
  let setupMs = 0;
  for (const [k, variant] of VARIANTS.entries()) {
    const org = await loadClaimed(bench, `bench-crawl-${tag}-${k}`, n, (ms) => (setupMs = Math.max(setupMs, ms)));
    passes.push(await confirmPass(bench, org, variant, n));
  }
  const workerPeak = procMemory(worker.pid!)?.hwm ?? 0;
  await stopChild(worker, 'SIGTERM', 15_000);
  return { n, baseline, passes, workerPeak, setupMs };
}

/** (h): the crawler's politeness delay on, the same placements confirmed host by host in parallel and one host at a time. */
interface ParallelResult {
  n: number;
  hosts: number;
  delayMs: number;
  /** The crawler's default CRAWLER_HOST_CONCURRENCY. */
  concurrency: number;
  parallel: PassResult;
  sequential: PassResult;
}

/**
 * (h) N claimed placements (1,000 by default) spread over H loopback hosts
 * (50: 127.0.0.2…), CRAWLER_HOST_DELAY_MS=200, confirmed by the real crawler
 * process: the default CRAWLER_HOST_CONCURRENCY against the sequential order
 * of before (CRAWLER_HOST_CONCURRENCY=1: one host after another), each pass
 * a fresh organization and crawler, in the same run.
 */
async function parallelHosts(tag: string): Promise<ParallelResult> {
  const { parallelPlacements: n, parallelHosts: hosts, parallelDelayMs: delayMs } = SIZES;
  const bench = await startBench(tag, 'h', `(h) ${fmt(n)} claimed placements over ${hosts} loopback hosts, CRAWLER_HOST_DELAY_MS=${delayMs}`, n, hosts);
  const concurrency = loadConfig({ ...bench.baseEnv, CRAWLER_HOST_CONCURRENCY: '' }).crawler.hostConcurrency;
  const politeness = { CRAWLER_HOST_DELAY_MS: String(delayMs) };
  const variants: Variant[] = [
    { name: `hosts in parallel (default CRAWLER_HOST_CONCURRENCY=${concurrency})`, env: { ...politeness, CRAWLER_HOST_CONCURRENCY: '' } },
    { name: 'one host after another (CRAWLER_HOST_CONCURRENCY=1, the order of before)', env: { ...politeness, CRAWLER_HOST_CONCURRENCY: '1' } },
  ];
  const results: PassResult[] = [];
  for (const [k, variant] of variants.entries()) {
    const org = await loadClaimed(bench, `bench-crawl-${tag}-h${k}`, n, () => undefined);
    results.push(await confirmPass(bench, org, variant, n));
  }
  await stopChild(bench.worker, 'SIGTERM', 15_000);
  return { n, hosts: bench.server.info.urls.length, delayMs, concurrency, parallel: results[0], sequential: results[1] };
}

/** Setup of a pass: a fresh organization with N claimed placements linking to the N pages, through the bulk API and the worker. */
async function loadClaimed(bench: Bench, slug: string, n: number, took: (ms: number) => void): Promise<Organization> {
  const { ds, tag, channels, server } = bench;
  const orgs = ds.getRepository(Organization);
  const org = await orgs.save(orgs.create({ slug, name: `基准测试 ${slug}`, region: '邵阳市', foundedOn: '2019-06-21', keywords: ['大祥'] }));
  const started = performance.now();
  for (let start = 0; start < n; start += SIZES.bulkSize) {
    const count = Math.min(SIZES.bulkSize, n - start);
    const placements = Array.from({ length: count }, (_, k) => ({
      channel: channels[(start + k) % channels.length].name,
      title: benchTitle(tag, start + k),
      publishedOn: benchDate(start + k),
      url: server.pageUrl(start + k),
      genre: '消息',
    }));
    const res = await postJson(bench.port, `/api/orgs/${org.slug}/placements/bulk`, { placements }, bench.authorization);
    if (res.status !== 202 || res.json.accepted !== count) throw new Error(`bulk POST: HTTP ${res.status} ${JSON.stringify(res.json).slice(0, 500)}`);
  }
  await waitFor('setup ingestion', () => processedCount(ds, org.id), n, 200);
  const claimed = await statusCount(ds, org.id, 'claimed');
  if (claimed !== n) throw new Error(`setup: ${claimed} claimed placements instead of ${n}`);
  const ms = performance.now() - started;
  took(ms);
  log(`    setup of ${org.slug}: ${fmt(n)} claimed placements with links ingested in ${secs(ms)} (bulk API, ${fmt(SIZES.bulkSize)} a request, + worker)`);
  return org;
}

/** One confirmation pass: a fresh crawler process, POST confirm, until the run is completed and all N are confirmed. */
async function confirmPass(bench: Bench, org: Organization, variant: Variant, n: number): Promise<PassResult> {
  const { ds, server, worker } = bench;
  const crawlerEnv = {
    ...bench.baseEnv,
    LOG_LEVEL: 'log',
    CRAWLER_ALLOW_HOSTS: server.info.hosts.join(','),
    // Politeness delay off unless the variant says (b: every page is on one loopback host). One request at a time per host still holds.
    CRAWLER_HOST_DELAY_MS: '0',
    ...variant.env,
  };
  // The crawler as `npm run start:crawler` starts it (its node flags, e.g. the heap cap), then
  // BENCH_CRAWLER_NODE_ARGS: extra node flags, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile it.
  const nodeArgs = [...startScriptNodeArgs('start:crawler'), ...(process.env.BENCH_CRAWLER_NODE_ARGS ?? '').split(/\s+/).filter(Boolean)];
  const crawler = await startService('crawler', distMain('crawler'), crawlerEnv, /crawler ready/, nodeArgs);
  const c = loadConfig(crawlerEnv).crawler;
  const crawlerReady = procMemory(crawler.pid!)?.rss ?? 0;
  log(`  ${variant.name}: crawler pid ${crawler.pid}${nodeArgs.length ? ` (node ${nodeArgs.join(' ')})` : ''} (RSS ${fmt(crawlerReady / MB, 1)} MB when ready): CRAWLER_HOST_DELAY_MS=${c.hostDelayMs}${c.hostDelayMs === 0 ? ' (politeness delay off for the bench)' : ''}, CRAWLER_HOST_CONCURRENCY=${c.hostConcurrency}, concurrency ${c.concurrency} (default), write batch ${c.writeBatch}, retries ${c.retries}`);
  const hitsBefore = (await server.hits(true)).n;

  let sampled = 0;
  const sampler = setInterval(() => {
    const m = procMemory(crawler.pid!);
    if (m) sampled = Math.max(sampled, m.rss);
  }, 100);
  const stopSampler = onCleanup('RSS sampler', async () => clearInterval(sampler));
  const cpu = { crawler: procCpuMs(crawler.pid!) ?? 0, worker: procCpuMs(worker.pid!) ?? 0, server: procCpuMs(server.child.pid!) ?? 0 };

  const started = performance.now();
  const res = await postJson(bench.port, `/api/orgs/${org.slug}/crawl/confirm`, {}, bench.authorization);
  if (res.status !== 202 || typeof res.json.runId !== 'string') throw new Error(`confirm: HTTP ${res.status} ${JSON.stringify(res.json)}`);
  const runId = res.json.runId;

  let crawlDoneAt: number | null = null;
  let confirmed = 0;
  let run: RunRow = { state: 'queued', pages: 0, confirmed: 0, errors: 0 };
  let lastChange = performance.now();
  let lastReport = started;
  let lastKey = '';
  for (;;) {
    for (const [name, child] of [['crawler', crawler], ['worker', worker]] as const) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${name} process exited (${child.exitCode ?? child.signalCode})`);
    }
    run = await runRow(ds, runId);
    const now = performance.now();
    if (run.state === 'failed') throw new Error(`crawl run failed: ${JSON.stringify(run)}`);
    if (run.state === 'completed' && crawlDoneAt === null) crawlDoneAt = now;
    confirmed = await statusCount(ds, org.id, 'confirmed');
    if (crawlDoneAt !== null && confirmed >= n) break;
    if (crawlDoneAt !== null && run.confirmed + run.errors < n) {
      throw new Error(`crawl run completed with ${run.confirmed} confirmed and ${run.errors} errors of ${n}`);
    }
    const key = `${run.state}/${run.pages}/${confirmed}`;
    if (key !== lastKey) {
      lastKey = key;
      lastChange = now;
    } else if (now - lastChange > SIZES.stallMs) {
      throw new Error(`stuck for ${SIZES.stallMs / 1000} s: run ${JSON.stringify(run)}, ${confirmed} confirmed in the database`);
    }
    if (now - lastReport > SIZES.progressMs) {
      lastReport = now;
      log(`    … ${secs(now - started)}: run ${run.state}, ${fmt(run.pages)} pages counted, ${fmt(run.confirmed)} confirmations sent; ${fmt(confirmed)} confirmed in the database; crawler RSS ${fmt((procMemory(crawler.pid!)?.rss ?? 0) / MB, 1)} MB`);
    }
    await sleep(50);
  }
  const ms = performance.now() - started;
  clearInterval(sampler);
  stopSampler();
  const crawlerMem = procMemory(crawler.pid!);
  const cpuUsed = {
    crawler: (procCpuMs(crawler.pid!) ?? 0) - cpu.crawler,
    worker: (procCpuMs(worker.pid!) ?? 0) - cpu.worker,
    server: (procCpuMs(server.child.pid!) ?? 0) - cpu.server,
  };
  const served = await server.hits();
  const requests = served.n - hitsBefore;

  // Checks: the run's counts, one confirmed event with evidence per placement.
  const sql = new SqlDialect(ds);
  const [{ events }] = await ds.query(
    `SELECT COUNT(*) AS events FROM placement_events WHERE organization_id = ${sql.param(1)} AND type = 'confirmed'`,
    [org.id],
  );
  const [sample] = await ds.query(
    `SELECT data FROM placement_events WHERE organization_id = ${sql.param(1)} AND type = 'confirmed' ORDER BY id DESC LIMIT 1`,
    [org.id],
  );
  const data = typeof sample?.data === 'string' ? JSON.parse(sample.data) : sample?.data;
  const evidence = data?.evidence as { sha256?: string; similarity?: number } | undefined;
  if (run.pages !== n || run.confirmed !== n || run.errors !== 0 || Number(events) !== n || !evidence?.sha256 || evidence.similarity !== 1) {
    throw new Error(`check failed: run ${JSON.stringify(run)}, ${events} confirmed events, evidence ${JSON.stringify(evidence)}`);
  }
  const check = `run pages ${fmt(run.pages)}, confirmed ${fmt(run.confirmed)}, errors ${run.errors}; ${fmt(confirmed)} placements confirmed, ${fmt(Number(events))} confirmed events with evidence; ${fmt(requests)} requests served, at most ${served.maxPerHost} at a time on one host`;
  await stopChild(crawler, 'SIGTERM', 15_000);
  const result: PassResult = {
    variant,
    writeBatch: c.writeBatch,
    n,
    crawlMs: (crawlDoneAt ?? performance.now()) - started,
    hostConcurrency: c.hostConcurrency,
    ms,
    rate: rate(n, ms),
    crawlerReady,
    crawlerPeak: crawlerMem?.hwm ?? 0,
    crawlerSampled: sampled,
    crawlerCpuMs: cpuUsed.crawler,
    workerCpuMs: cpuUsed.worker,
    serverCpuMs: cpuUsed.server,
    check,
  };
  log(`    ${fmt(result.rate)} placements/s confirmed end to end (${secs(ms)}; crawler pass ${secs(result.crawlMs)}); crawler peak RSS ${fmt(result.crawlerPeak / MB, 1)} MB; CPU per placement: crawler ${fmt((cpuUsed.crawler * 1000) / n)} µs, worker ${fmt((cpuUsed.worker * 1000) / n)} µs, fixture server ${fmt((cpuUsed.server * 1000) / n)} µs; load average ${loadAvg()}`);
  log(`    check: ${check}`);
  return result;
}

async function waitFor(what: string, read: () => Promise<number>, target: number, intervalMs: number): Promise<void> {
  let last = -1;
  let lastChange = performance.now();
  for (;;) {
    const n = await read();
    if (n >= target) return;
    if (n !== last) {
      last = n;
      lastChange = performance.now();
    } else if (performance.now() - lastChange > SIZES.stallMs) {
      throw new Error(`${what}: stuck at ${n} of ${target} for ${SIZES.stallMs / 1000} s`);
    }
    await sleep(intervalMs);
  }
}

// ---------------------------------------------------------------------------

function printSummary(a: ExtractResult | undefined, b: ConfirmResult | undefined): void {
  const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
  const rows: string[][] = [];
  if (a) {
    rows.push(['(a) raw cheerio.load + selectors', `${fmt(a.rawRate)} pages/s`, 'baseline', '', '']);
    rows.push([
      '(a) platform extraction',
      `${fmt(a.platformRate)} pages/s`,
      `${a.ratio.toFixed(2)}x raw (per-round ratios ${a.ratioRange[0].toFixed(2)}-${a.ratioRange[1].toFixed(2)})`,
      `>= ${EXTRACT_TARGET.toFixed(2)}x raw`,
      met(a.ratio >= EXTRACT_TARGET),
    ]);
    rows.push([
      '    from per-page median call times',
      `${fmt(a.typical.platform)} / ${fmt(a.typical.raw)} pages/s`,
      `${(a.typical.platform / a.typical.raw).toFixed(2)}x raw`,
      '',
      '',
    ]);
    for (const k of KINDS) {
      const r = a.perKind[k];
      if (r.pages === 0) continue;
      rows.push([`    ${k} pages (${r.pages})`, `${fmt(r.platform)} / ${fmt(r.raw)} pages/s`, `${(r.platform / r.raw).toFixed(2)}x raw`, '', '']);
    }
  }
  if (b) {
    rows.push([`(b) raw sequential GET + cheerio.load`, `${fmt(b.baseline.rate)} pages/s`, 'baseline', '', '']);
    const last = b.passes[b.passes.length - 1];
    for (const p of b.passes) {
      const short = p.writeBatch === 1 ? 'unbatched writes' : `write batch ${p.writeBatch}`;
      rows.push([
        `(b) confirmation end to end, ${short}`,
        `${fmt(p.rate)} placements/s`,
        `${(p.rate / b.baseline.rate).toFixed(2)}x raw fetch (${secs(p.ms)})`,
        p === last ? 'report (no target)' : '',
        p === last ? '-' : '',
      ]);
      rows.push([`    crawler pass until run completed`, `${fmt(rate(p.n, p.crawlMs))} pages/s`, secs(p.crawlMs), '', '']);
      rows.push([
        `    crawler peak RSS (VmHWM)`,
        `${fmt(p.crawlerPeak / MB, 1)} MB`,
        `${fmt(p.crawlerReady / MB, 1)} MB when ready`,
        p === last ? `<= ${CRAWLER_RSS_TARGET_MB} MB` : '',
        p === last ? met(p.crawlerPeak <= CRAWLER_RSS_TARGET_MB * MB) : '',
      ]);
      rows.push([`    CPU per placement`, `crawler ${fmt((p.crawlerCpuMs * 1000) / p.n)} µs`, `worker ${fmt((p.workerCpuMs * 1000) / p.n)} µs`, '', '']);
    }
    if (b.passes.length === 2) {
      const [before, after] = b.passes;
      rows.push([`(b) batched / unbatched`, `${(after.rate / before.rate).toFixed(2)}x`, `crawler CPU ${(after.crawlerCpuMs / before.crawlerCpuMs).toFixed(2)}x`, '', '']);
    }
    rows.push([`(b) worker peak RSS (VmHWM)`, `${fmt(b.workerPeak / MB, 1)} MB`, 'over setup and all passes', '', '']);
  }
  log(`\nSummary (${usingPostgres ? 'PostgreSQL' : 'SQLite'}, node ${process.version}, ${os.cpus().length} CPUs, load average now ${loadAvg()})`);
  log(table(['figure', 'value', 'ratio / time', 'target', 'result'], rows));
  if (a) {
    log(`(a) pages/s: medians of ${SIZES.rounds} rounds' throughput; the ratio (judged against the target) is the median of the rounds' platform/raw ratios, each round's pair measured side by side; rows below it: platform / raw. Found (platform / raw selector matches): ${KINDS.map((k) => `${k} ${a.found[k].platform}/${a.found[k].raw}`).join(', ')}.`);
  }
  if (b) {
    log(`(b) ${fmt(b.n)} placements a pass, each pass a fresh organization and a fresh crawler process, one worker process throughout.`);
    log('(b) politeness: one request at a time per host (by design); all pages are on one host, so a pass fetches them strictly one after another');
    log('    (a confirmation pass is one crawl job, so CRAWLER_CONCURRENCY, left at its default, does not change it); CRAWLER_HOST_DELAY_MS=0 for the bench.');
  }
}

function printParallelSummary(h: ParallelResult): void {
  const { parallel: par, sequential: seq } = h;
  // Each host's pages one after another, each request after the host's delay: robots.txt first, then its pages.
  const expectedSeqMs = (h.n + h.hosts) * h.delayMs;
  const rows: string[][] = [
    [`(h) one host after another (CRAWLER_HOST_CONCURRENCY=1)`, `${fmt(seq.rate, 1)} placements/s`, `${secs(seq.ms)} (crawler pass ${secs(seq.crawlMs)})`, 'baseline'],
    [`(h) hosts in parallel (default CRAWLER_HOST_CONCURRENCY=${par.hostConcurrency})`, `${fmt(par.rate, 1)} placements/s`, `${secs(par.ms)} (crawler pass ${secs(par.crawlMs)})`, `${(par.rate / seq.rate).toFixed(2)}x sequential`],
    [`    expected sequential time`, `${secs(expectedSeqMs)}`, `(${fmt(h.n)} pages + ${h.hosts} robots.txt) × ${h.delayMs} ms`, `measured ${(seq.crawlMs / expectedSeqMs).toFixed(2)}x of it`],
    [`    expected parallel time`, `${secs(expectedSeqMs / Math.min(par.hostConcurrency, h.hosts))}`, `sequential ÷ ${Math.min(par.hostConcurrency, h.hosts)} hosts at once`, ''],
    [`    crawler peak RSS (VmHWM)`, `${fmt(par.crawlerPeak / MB, 1)} / ${fmt(seq.crawlerPeak / MB, 1)} MB`, 'parallel / sequential', ''],
  ];
  log(`\nSummary (h) (${usingPostgres ? 'PostgreSQL' : 'SQLite'}, node ${process.version}, ${os.cpus().length} CPUs, load average now ${loadAvg()})`);
  log(table(['figure', 'value', 'time', 'ratio'], rows));
  log(`(h) ${fmt(h.n)} placements over ${h.hosts} loopback hosts (${fmt(h.n / h.hosts)} each), CRAWLER_HOST_DELAY_MS=${h.delayMs}; both passes in full, each a fresh organization and crawler process; time = POST confirm → all confirmed in the database.`);
  log(`    parallel: ${par.check}`);
  log(`    sequential: ${seq.check}`);
}

async function main(): Promise<void> {
  const tag = runTag();
  log(`Crawl bench ${tag}: node ${process.version}, ${os.cpus().length} CPUs, load average ${loadAvg()}`);
  log(`sizes: ${JSON.stringify(SIZES)}; parts ${[...ONLY].join(',')}`);
  const a = ONLY.has('a') ? extraction() : undefined;
  if (a) {
    log(`    platform ${fmt(a.platformRate)} pages/s, raw ${fmt(a.rawRate)} pages/s: ${a.ratio.toFixed(2)}x; load average ${loadAvg()}`);
  }
  const b = ONLY.has('b') ? await endToEnd(tag) : undefined;
  const h = ONLY.has('h') ? await parallelHosts(tag) : undefined;
  if (a || b) printSummary(a, b);
  if (h) printParallelSummary(h);
  if (ONLY.has('m')) printMatcherSummary(matcherBench(SIZES.matcherRounds), SIZES.matcherRounds);
}

if (process.argv[2] === '--fixture-server') {
  serveFixtures(process.argv[3], Number(process.argv[4]), Number(process.argv[5] ?? 1)).catch((err: unknown) => {
    process.stderr.write(`fixture server: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
} else {
  runBench(main, cleanUp, SIZES.timeoutMs, () => {
    if (sink === -1) log('');
  });
}
