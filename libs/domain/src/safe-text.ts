/**
 * Text that can be stored: what every text field and header that reaches the
 * database is checked against, at the edge and again by the worker.
 *
 * Refused: the C0 controls but tab, line feed and carriage return (NUL among
 * them, which PostgreSQL rejects in text and in JSON strings), DEL, the C1
 * controls (U+0080–U+009F: ANSI escapes, NEL), and lone surrogates (a UTF-16
 * half with no partner: not Unicode, stored as invalid UTF-8 by SQLite,
 * refused or mangled by PostgreSQL). Tabs and line breaks are text: titles
 * and other one-line fields fold them to a space (foldLineBreaks), notes,
 * descriptions and profile text keep line breaks (Excel's Alt+Enter).
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/**
 * One scan for anything the two above could find: a control character or any UTF-16 half,
 * paired or not (no `u` flag: the class matches code units). Almost all text has neither and
 * is passed after this scan alone; the lone-surrogate pattern, with its look-behind tried at
 * every position, cost several times more (a single POST's preValidation walk, issue 14).
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const SUSPECT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ud800-\udfff]/;
// eslint-disable-next-line no-control-regex -- replacing control characters is the point
const CONTROL_ALL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;
const LONE_SURROGATE_ALL = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const codePoint = (ch: string) => `U+${(ch.charCodeAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * Why the text cannot be stored, as the end of a sentence naming the field
 * ("must not contain control characters (found U+0000)"), or null when it can.
 */
export function unstorableText(text: string): string | null {
  if (!SUSPECT.test(text)) return null;
  const control = CONTROL.exec(text);
  if (control) return `must not contain control characters (found ${codePoint(control[0])})`;
  const lone = LONE_SURROGATE.exec(text);
  if (lone) return `must not contain control characters or lone surrogates (found ${codePoint(lone[0])}, half of a UTF-16 pair)`;
  return null;
}

/** True when unstorableText finds nothing (the fast check of the hot paths). */
export function isStorableText(text: string): boolean {
  return !SUSPECT.test(text) || (!CONTROL.test(text) && !LONE_SURROGATE.test(text));
}

/**
 * The text with what cannot be stored replaced by U+FFFD: for metadata the
 * worker must write whatever it is (an actor, a crawler's evidence), where
 * refusing would lose the placement it comes with.
 */
export function storableText(text: string): string {
  return isStorableText(text) ? text : text.replace(CONTROL_ALL, '\ufffd').replace(LONE_SURROGATE_ALL, '\ufffd');
}

const LINE_BREAKS = /[\t\r\n\u2028\u2029]+/g;

/** One-line text: tabs and line breaks (CR, LF, U+2028/2029) folded to a single space. */
export function foldLineBreaks(text: string): string {
  return text.replace(LINE_BREAKS, ' ');
}

/**
 * Where in a value (a parsed JSON body, a query) a string that cannot be
 * stored is: its dotted path and the reason; keys are checked too. Null when
 * every string can be stored.
 */
export function findUnstorableText(value: unknown, at = ''): { field: string; problem: string } | null {
  if (typeof value === 'string') {
    const problem = unstorableText(value);
    return problem ? { field: at || '(body)', problem } : null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const object = value as Record<string, unknown>;
  // Each key's path is spelled only when it is needed (a refusal, or a nested value to walk).
  const pathOf = (key: string) => (at ? `${at}.${key}` : key);
  for (const key of Object.keys(object)) {
    const child = object[key];
    const keyProblem = unstorableText(key);
    if (keyProblem) return { field: pathOf(key), problem: `field names ${keyProblem}` };
    if (typeof child === 'string') {
      const problem = unstorableText(child);
      if (problem) return { field: pathOf(key), problem };
    } else if (typeof child === 'object' && child !== null) {
      const found = findUnstorableText(child, pathOf(key));
      if (found) return found;
    }
  }
  return null;
}
