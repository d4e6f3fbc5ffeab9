import { canonicalUrl, normaliseTitle, placementDedupKey } from './normalise';
import { addDays, addMonths, daysBetween, daysInMonth, elapsedShareOfYear, isIsoDate, monthBounds, todayInShanghai, utcMidnightOf, yearMonthOf } from './local-date';
import { parsePlacementDraft, parsePlacementInput } from './placement-input';
import { timeOrderedId } from './time-ordered-id';

describe('title normalisation and dedup keys', () => {
  it('folds width, case, spaces and punctuation', () => {
    expect(normaliseTitle('大祥区：“一件事一次办” 跑出加速度！')).toBe(normaliseTitle('大祥区:"一件事一次办"跑出加速度!'));
    expect(normaliseTitle('ＡＢＣ　１２３')).toBe('abc123');
    expect(normaliseTitle('大祥区召开会议')).not.toBe(normaliseTitle('大祥区召开大会'));
  });

  it('folds format characters: zero-width space and joiners, soft hyphen, word joiner, BOM, bidi controls', () => {
    const plain = normaliseTitle('大祥区召开会议');
    for (const ch of ['\u200b', '\u200c', '\u200d', '\u00ad', '\u2060', '\ufeff', '\u202e', '\u2066']) {
      expect(normaliseTitle(`大祥${ch}区召开${ch}会议`)).toBe(plain);
    }
  });

  it('canonicalises links: scheme, host case, fragment, tracking parameters, trailing slash, parameter order', () => {
    expect(canonicalUrl('HTTPS://Dx.RedNet.cn/content/1.html/?b=2&utm_source=wx&a=1#top')).toBe('dx.rednet.cn/content/1.html?a=1&b=2');
    expect(canonicalUrl('http://dx.rednet.cn/content/1.html?a=1&b=2')).toBe('dx.rednet.cn/content/1.html?a=1&b=2');
    expect(canonicalUrl('javascript:alert(1)')).toBeNull();
    expect(canonicalUrl('not a url')).toBeNull();
  });

  it('keys by link within a channel, else by date and folded title', () => {
    const a = { channelId: 1, publishedOn: '2021-03-01', title: '大祥区：春耕忙' };
    expect(placementDedupKey(a)).toBe(placementDedupKey({ ...a, title: '大祥区:春耕忙 ' }));
    expect(placementDedupKey(a)).not.toBe(placementDedupKey({ ...a, channelId: 2 }));
    expect(placementDedupKey(a)).not.toBe(placementDedupKey({ ...a, publishedOn: '2021-03-02' }));
    const linked = { ...a, url: 'https://www.dxxww.com/news/1.html?utm_medium=x' };
    expect(placementDedupKey(linked)).toBe(placementDedupKey({ ...linked, title: '另一个标题', url: 'http://www.dxxww.com/news/1.html' }));
    expect(placementDedupKey(linked)).toMatch(/^[0-9a-f]{40}$/);
  });
});

describe('local dates', () => {
  it.each([
    ['2021-02-28', true],
    ['2020-02-29', true],
    ['2021-02-29', false],
    ['2021-02-30', false],
    ['2021-13-01', false],
    ['2021-1-1', false],
    ['21-01-01', false],
    ['2021-04-31', false],
  ])('%s is a real date: %s', (d, ok) => expect(isIsoDate(d)).toBe(ok));

  it('takes today in Asia/Shanghai, not UTC', () => {
    expect(todayInShanghai(new Date('2021-12-21T16:30:00Z'))).toBe('2021-12-22');
    expect(yearMonthOf('2021-12-22')).toEqual({ year: 2021, month: 12 });
  });
});

describe('calendar arithmetic on local dates', () => {
  it('adds days across month, year and leap-day boundaries', () => {
    expect(addDays('2021-12-31', 1)).toBe('2022-01-01');
    expect(addDays('2020-02-28', 1)).toBe('2020-02-29');
    expect(addDays('2021-02-28', 1)).toBe('2021-03-01');
    expect(addDays('2021-03-01', -1)).toBe('2021-02-28');
    expect(daysBetween('2021-01-01', '2022-01-01')).toBe(365);
    expect(daysBetween('2020-03-01', '2020-02-01')).toBe(-29);
  });

  it('adds months and bounds them', () => {
    expect(addMonths('2021-01', -1)).toBe('2020-12');
    expect(addMonths('2021-07', -12)).toBe('2020-07');
    expect(monthBounds('2020-02')).toEqual({ from: '2020-02-01', to: '2020-02-29' });
    expect(monthBounds('2021-02')).toEqual({ from: '2021-02-01', to: '2021-02-28' });
    expect(daysInMonth(2021, 12)).toBe(31);
  });

  it('gives the share of the year gone by and the midnight-UTC Date of a date or month', () => {
    expect(elapsedShareOfYear('2021-07-02')).toBe(183 / 365);
    expect(elapsedShareOfYear('2020-12-31')).toBe(1);
    expect(utcMidnightOf('2021-07-02')?.toISOString()).toBe('2021-07-02T00:00:00.000Z');
    expect(utcMidnightOf('2021-07')?.toISOString()).toBe('2021-07-01T00:00:00.000Z');
    expect(utcMidnightOf('七月')).toBeNull();
  });
});

describe('placement input', () => {
  it('accepts Chinese genre and prominence names and splits authors', () => {
    const r = parsePlacementInput({
      channel: '湖南日报',
      title: '  大祥区推进城市更新  ',
      publishedOn: '2021-03-05',
      genre: '通讯',
      prominence: '头版头条',
      authors: '李明、王芳，张伟',
    });
    expect(r).toEqual({
      ok: true,
      value: {
        channel: '湖南日报',
        title: '大祥区推进城市更新',
        publishedOn: '2021-03-05',
        url: null,
        section: null,
        prominence: 'headline',
        genre: 'feature',
        authors: ['李明', '王芳', '张伟'],
        note: null,
      },
    });
  });

  it('names each bad field, wrong types included', () => {
    const r = parsePlacementInput({ channel: {}, title: 3, publishedOn: '2021-02-30', genre: '诗歌', extra: 1 });
    expect(r.ok).toBe(false);
    const fields = !r.ok ? r.errors.map((e) => e.field).sort() : [];
    expect(fields).toEqual(['channel', 'extra', 'genre', 'publishedOn', 'title']);
    const title = !r.ok ? r.errors.find((e) => e.field === 'title')!.message : '';
    expect(title).toBe('title must be a string');
  });

  it('reads a missing field as required', () => {
    const r = parsePlacementInput({ channel: '央视', publishedOn: '2021-01-01' });
    expect(r).toEqual({ ok: false, errors: [{ field: 'title', message: 'title is required' }] });
  });

  it('validates a queued draft again with the same rules (the worker does)', () => {
    expect(parsePlacementDraft({ channelId: 3, title: 'x'.repeat(501), publishedOn: '2021-01-01' }).ok).toBe(false);
    const ok = parsePlacementDraft({ channelId: 3, title: '大祥区', publishedOn: '2021-01-01', prominence: 'headline', genre: 'feature', authors: ['李明'], url: null, section: null, note: null });
    expect(ok.ok).toBe(true);
  });
});

describe('timeOrderedId (UUID version 7)', () => {
  it('is a UUID of version 7 whose first 48 bits are the time in milliseconds', () => {
    const id = timeOrderedId(Date.UTC(2021, 11, 22, 8, 30));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(Date.UTC(2021, 11, 22, 8, 30));
  });

  it('sorts by time and never repeats among 100,000 ids', () => {
    const ids = Array.from({ length: 100_000 }, (_, i) => timeOrderedId(1_700_000_000_000 + Math.floor(i / 100)));
    expect(new Set(ids).size).toBe(ids.length);
    const byTime = ids.filter((_, i) => i % 100 === 0);
    expect([...byTime].sort()).toEqual(byTime);
  });
});
