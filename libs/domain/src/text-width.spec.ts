import { charWidth, textWidth } from './text-width';

describe('textWidth: columns of a monospaced terminal (East Asian Width)', () => {
  it.each([
    ['ASCII', 'abc 123', 7],
    ['汉字', '上稿统计', 8],
    ['full-width punctuation and forms', '（一）、，。！Ａ１', 18],
    ['mixed', '2021年12月', 10],
    ['kana and Hangul', 'かナ한', 6],
    ['a CJK extension B character', '𠀀', 2],
    ['a combining mark adds nothing', 'e\u0301', 1],
    ['zero-width space and BOM', 'a\u200bb\ufeff', 2],
    ['empty', '', 0],
  ])('%s', (_name, text, width) => {
    expect(textWidth(text)).toBe(width);
  });

  it('middle dots, en dashes and Latin-1 letters are narrow', () => {
    for (const ch of ['·', '–', 'é', 'ß']) expect(charWidth(ch.codePointAt(0)!)).toBe(1);
  });
});
