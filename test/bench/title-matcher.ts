import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '@pl/config';
import { TitleKey, compareTitleKeys, compareTitles, titleKey, titleSimilarity } from '@pl/crawling';
import { fmt, log, table } from './support';

/**
 * Part (m) of npm run bench:crawl: the title matcher on the labelled corpus
 * (test/fixtures/titles/pairs.jsonl). The matcher (compareTitles) and, as the
 * baseline in the same run, the rule it replaced (titleSimilarity ≥ 0.8, the
 * old CRAWLER_MATCH_THRESHOLD default) judge every pair; reported: precision
 * and recall ("same story" is the positive class), per category too, and
 * µs per pair (median of `rounds` timed passes over the corpus, the rules
 * taking turns to go first). Three ways to call the matcher: both titles
 * read (titleKey) for every pair, the cost of a title met for the first time;
 * compareTitles, which keeps the keys of the last 4096 titles it read (after
 * the warm-up pass every corpus title is among them, as in a crawl that
 * compares each title with many); compareTitleKeys on keys read beforehand.
 */

interface Pair {
  a: string;
  b: string;
  same: boolean;
  category: string;
}

type Rule = (p: Pair, k: number) => boolean;

/** Keys of the corpus's titles, read once, for the compareTitleKeys row. */
let keys: Array<[TitleKey, TitleKey]> = [];

const RULES: Array<{ name: string; judge: Rule }> = [
  { name: 'compareTitles, both titles read', judge: (p) => compareTitleKeys(titleKey(p.a), titleKey(p.b)).same },
  { name: 'compareTitles, titles met before', judge: (p) => compareTitles(p.a, p.b).same },
  { name: 'compareTitleKeys, keys read before', judge: (_, k) => compareTitleKeys(keys[k][0], keys[k][1]).same },
  { name: 'similarity >= 0.8 (before)', judge: (p) => titleSimilarity(p.a, p.b) >= 0.8 },
];

export interface MatcherFigures {
  pairs: number;
  rules: Array<{ name: string; precision: number; recall: number; falsePositives: number; falseNegatives: number; usPerPair: number }>;
  perCategory: Array<{ category: string; same: boolean; n: number; right: number[] }>;
}

function loadPairs(): Pair[] {
  return readFileSync(path.join(repoRoot(), 'test', 'fixtures', 'titles', 'pairs.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Pair);
}

const median = (xs: number[]) => {
  const s = [...xs].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** µs per pair of one timed pass of a rule over the corpus. */
function timePass(pairs: readonly Pair[], judge: Rule): number {
  const t0 = process.hrtime.bigint();
  for (let k = 0; k < pairs.length; k++) judge(pairs[k], k);
  return Number(process.hrtime.bigint() - t0) / 1000 / pairs.length;
}

export function matcherBench(rounds: number): MatcherFigures {
  const pairs = loadPairs();
  keys = pairs.map((p) => [titleKey(p.a), titleKey(p.b)]);
  const verdicts = RULES.map((r) => pairs.map((p, k) => r.judge(p, k)));
  // Warm-up, then timed rounds, the rules taking turns to go first.
  for (const r of RULES) timePass(pairs, r.judge);
  const times: number[][] = RULES.map(() => []);
  for (let round = 0; round < rounds; round++) {
    const order = RULES.map((_, i) => (i + round) % RULES.length);
    for (const i of order) times[i].push(timePass(pairs, RULES[i].judge));
  }
  const rules = RULES.map((r, i) => {
    const said = verdicts[i];
    const tp = pairs.filter((p, k) => p.same && said[k]).length;
    const fp = pairs.filter((p, k) => !p.same && said[k]).length;
    const fn = pairs.filter((p, k) => p.same && !said[k]).length;
    return { name: r.name, precision: tp / (tp + fp), recall: tp / (tp + fn), falsePositives: fp, falseNegatives: fn, usPerPair: median(times[i]) };
  });
  const categories = [...new Set(pairs.map((p) => p.category))];
  const perCategory = categories.map((category) => {
    const idx = pairs.map((p, k) => (p.category === category ? k : -1)).filter((k) => k >= 0);
    return {
      category,
      same: pairs[idx[0]].same,
      n: idx.length,
      right: RULES.map((_, i) => idx.filter((k) => verdicts[i][k] === pairs[k].same).length),
    };
  });
  return { pairs: pairs.length, rules, perCategory };
}

export function printMatcherSummary(m: MatcherFigures, rounds: number): void {
  log(`\n(m) title matcher on test/fixtures/titles/pairs.jsonl: ${m.pairs} pairs, "same story" positive`);
  log(
    table(
      ['rule', 'precision', 'recall', 'false same', 'missed', 'µs / pair'],
      m.rules.map((r) => [r.name, r.precision.toFixed(4), r.recall.toFixed(4), String(r.falsePositives), String(r.falseNegatives), fmt(r.usPerPair, 2)]),
    ),
  );
  // The three calls of the matcher give the same verdicts: one column for them, one for the former rule.
  const shown = [0, m.rules.length - 1];
  log(
    table(
      ['category', 'story', 'pairs', 'right: compareTitles', `right: ${m.rules[m.rules.length - 1].name}`],
      m.perCategory.map((c) => [c.category, c.same ? 'same' : 'different', String(c.n), ...shown.map((i) => `${c.right[i]} (${((100 * c.right[i]) / c.n).toFixed(0)}%)`)]),
    ),
  );
  log(`(m) µs / pair: median of ${rounds} passes over the corpus, the rules taking turns to go first, all in the same run. "both titles read": every pair's titles read anew (a title's first meeting); "titles met before": compareTitles with its keys of recent titles (as in a crawl); "keys read before": compareTitleKeys alone.`);
}
