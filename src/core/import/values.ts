/**
 * Reading source values the way an export writes them: numbers in a declared
 * locale, dates in a declared pattern, timestamps in a declared time zone.
 * Pure: time-zone offsets come from the ICU data built into Node (`Intl`),
 * never from the machine's `TZ`.
 */

/** A value that cannot be read; the message says why (the caller adds the field). */
export class ValueError extends Error {}

export type DecimalSeparator = '.' | ',';

const PLAIN_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const DOT_GROUPED = /^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$/;
const COMMA_GROUPED = /^[+-]?\d{1,3}([.\s\u00a0\u202f']\d{3})+(,\d+)?$/;
const COMMA_PLAIN = /^[+-]?\d+(,\d+)?$/;
const CURRENCY = /^[$€£¥]|[$€£¥]$|\s?(USD|EUR|GBP)$/g;

/**
 * Reads a number. Without a declared decimal separator only unambiguous
 * plain numbers pass (`1234.5`, `-3`, `1e3`); `1.234,50`, `12,5`, `1 234`
 * and `0x10` are rejected with the reason. `decimal: "."` accepts `1,234.50`;
 * `decimal: ","` accepts `1.234,50`, `1 234,50` and `12,5`.
 */
export function parseNumber(raw: string, decimal?: DecimalSeparator): number {
  const s = raw.trim().replace(CURRENCY, '').trim();
  let n: number | null = null;
  if (decimal === ',') {
    if (COMMA_PLAIN.test(s) || COMMA_GROUPED.test(s))
      n = Number(s.replace(/[.\s\u00a0\u202f']/g, '').replace(',', '.'));
  } else if (PLAIN_NUMBER.test(s)) n = Number(s);
  else if (decimal === '.' && DOT_GROUPED.test(s)) n = Number(s.replace(/,/g, ''));
  if (n !== null && Number.isFinite(n)) return n;
  if (decimal === undefined && /\d[,\s\u00a0\u202f']\d/.test(s))
    throw new ValueError(
      `"${raw}" is ambiguous without a declared decimal separator (declare decimal: "," or decimal: "." in the mapping)`,
    );
  if (/^[+-]?0[xXbBoO]/.test(s)) throw new ValueError(`"${raw}" is not a decimal number`);
  throw new ValueError(`"${raw}" is not a number${decimal ? ` with decimal separator "${decimal}"` : ''}`);
}

const pad = (n: number) => String(n).padStart(2, '0');

function checkDate(y: number, m: number, d: number, raw: string): string {
  const dt = new Date(Date.UTC(y, m - 1, d));
  if (y < 1 || dt.getUTCFullYear() !== y || dt.getUTCMonth() !== m - 1 || dt.getUTCDate() !== d)
    throw new ValueError(`"${raw}" is not a valid date`);
  return `${String(y).padStart(4, '0')}-${pad(m)}-${pad(d)}`;
}

type Parts = {
  y: number;
  m: number;
  d: number;
  hh: number;
  mm: number;
  ss: number;
  ms: number;
  hasTime: boolean;
};

/** A date pattern compiled to a regular expression (`YYYY`, `MM`, `DD`, `HH`, `mm`, `ss`, `M`, `D`, literals). */
type CompiledPattern = { re: RegExp; order: string[] };
const compiled = new Map<string, CompiledPattern>();

export const PATTERN_TOKENS = ['YYYY', 'MM', 'DD', 'HH', 'mm', 'ss', 'SSS', 'M', 'D', 'H'] as const;

/** Checks a date pattern; returns a problem or null. */
export function datePatternProblem(pattern: string): string | null {
  if (pattern === 'iso' || pattern === 'epoch-s' || pattern === 'epoch-ms') return null;
  const tokens = tokenize(pattern)
    .filter((t) => t.token)
    .map((t) => t.text);
  const has = (t: string, alt: string) => tokens.includes(t) || tokens.includes(alt);
  if (!tokens.includes('YYYY') || !has('MM', 'M') || !has('DD', 'D'))
    return `date format "${pattern}" must contain YYYY, MM (or M) and DD (or D); also allowed: HH, mm, ss, SSS, iso, epoch-s, epoch-ms`;
  return null;
}

function tokenize(pattern: string): { text: string; token: boolean }[] {
  const out: { text: string; token: boolean }[] = [];
  let i = 0;
  outer: while (i < pattern.length) {
    for (const t of PATTERN_TOKENS) {
      if (pattern.startsWith(t, i)) {
        out.push({ text: t, token: true });
        i += t.length;
        continue outer;
      }
    }
    out.push({ text: pattern[i]!, token: false });
    i++;
  }
  return out;
}

function compile(pattern: string): CompiledPattern {
  let c = compiled.get(pattern);
  if (c) return c;
  const order: string[] = [];
  let src = '^';
  for (const t of tokenize(pattern)) {
    if (!t.token) {
      src += t.text === ' ' ? '\\s+' : t.text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
      continue;
    }
    order.push(t.text);
    src +=
      t.text === 'YYYY'
        ? '(\\d{4})'
        : t.text === 'SSS'
          ? '(\\d{1,3})'
          : t.text.length === 2
            ? '(\\d{2})'
            : '(\\d{1,2})';
  }
  c = { re: new RegExp(`${src}$`), order };
  compiled.set(pattern, c);
  return c;
}

function readPattern(s: string, pattern: string, raw: string): Parts {
  const { re, order } = compile(pattern);
  const m = re.exec(s);
  if (!m) throw new ValueError(`"${raw}" is not a date in format ${pattern}`);
  const p: Parts = { y: 0, m: 0, d: 0, hh: 0, mm: 0, ss: 0, ms: 0, hasTime: false };
  order.forEach((tok, i) => {
    const v = Number(m[i + 1]);
    if (tok === 'YYYY') p.y = v;
    else if (tok === 'MM' || tok === 'M') p.m = v;
    else if (tok === 'DD' || tok === 'D') p.d = v;
    else if (tok === 'HH' || tok === 'H') {
      p.hh = v;
      p.hasTime = true;
    } else if (tok === 'mm') p.mm = v;
    else if (tok === 'ss') p.ss = v;
    else if (tok === 'SSS') p.ms = v;
  });
  if (p.hh > 23 || p.mm > 59 || p.ss > 59) throw new ValueError(`"${raw}" has an invalid time of day`);
  checkDate(p.y, p.m, p.d, raw);
  return p;
}

const ISO_LOCAL = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?$/;
const HAS_ZONE = /(Z|[+-]\d{2}:?\d{2})$/i;

const formatters = new Map<string, Intl.DateTimeFormat>();

/** True when `tz` is an IANA zone name Node knows. */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The zone's offset from UTC (ms) at instant `utcMs`. */
function offsetAt(utcMs: number, tz: string): number {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(tz, f);
  }
  const parts: Record<string, number> = {};
  for (const p of f.formatToParts(new Date(utcMs))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const asUtc = Date.UTC(
    parts.year!,
    parts.month! - 1,
    parts.day!,
    parts.hour!,
    parts.minute!,
    parts.second!,
  );
  return asUtc - Math.floor(utcMs / 1000) * 1000;
}

/** A wall-clock time in `tz` as a UTC instant (ms). In a DST gap the later reading wins. */
export function wallTimeToUtc(p: Parts, tz: string): number {
  const wall = Date.UTC(p.y, p.m - 1, p.d, p.hh, p.mm, p.ss, p.ms);
  if (tz === 'UTC' || tz === 'Etc/UTC') return wall;
  let t = wall - offsetAt(wall, tz);
  const again = wall - offsetAt(t, tz);
  if (again !== t) t = again;
  return t;
}

export type TimeOptions = { format: string; timeZone: string };

/** Reads a date into `YYYY-MM-DD` (the calendar day as written). */
export function readDate(raw: string, o: TimeOptions): string {
  const s = raw.trim();
  if (o.format === 'epoch-s' || o.format === 'epoch-ms') {
    // an instant: its calendar day in the declared zone
    const ms = epochMs(s, o.format);
    const off = o.timeZone === 'UTC' ? 0 : offsetAt(ms, o.timeZone);
    return new Date(ms + off).toISOString().slice(0, 10);
  }
  if (o.format === 'iso') {
    const m = /^(\d{4})-(\d{2})-(\d{2})(?:$|[T ])/.exec(s);
    if (!m) throw new ValueError(`"${raw}" is not an ISO date (YYYY-MM-DD)`);
    return checkDate(+m[1]!, +m[2]!, +m[3]!, raw);
  }
  const p = readPattern(s, o.format, raw);
  return checkDate(p.y, p.m, p.d, raw);
}

function epochMs(s: string, format: 'epoch-s' | 'epoch-ms'): number {
  if (!/^-?\d+(\.\d+)?$/.test(s)) throw new ValueError(`"${s}" is not an epoch number`);
  const n = Number(s);
  return format === 'epoch-s' ? n * 1000 : n;
}

/**
 * Reads a timestamp into ISO UTC. A timestamp with `Z` or an offset is that
 * instant; one without a zone (or a date alone, meaning midnight) is a wall
 * time in the declared zone, never the machine's.
 */
export function readTime(raw: string, o: TimeOptions): string {
  const s = raw.trim();
  if (o.format === 'epoch-s' || o.format === 'epoch-ms') return new Date(epochMs(s, o.format)).toISOString();
  if (o.format === 'iso') {
    // fast path for the canonical form the demo and most exports write
    if (s.length === 24 && s[10] === 'T' && s[23] === 'Z' && s[4] === '-') {
      checkDate(+s.slice(0, 4), +s.slice(5, 7), +s.slice(8, 10), raw);
      return s;
    }
    const local = ISO_LOCAL.exec(s);
    if (local) {
      const p: Parts = {
        y: +local[1]!,
        m: +local[2]!,
        d: +local[3]!,
        hh: +(local[4] ?? 0),
        mm: +(local[5] ?? 0),
        ss: +(local[6] ?? 0),
        ms: local[7] ? Math.floor(Number(`0.${local[7]}`) * 1000) : 0,
        hasTime: !!local[4],
      };
      checkDate(p.y, p.m, p.d, raw);
      if (p.hh > 23 || p.mm > 59 || p.ss > 59) throw new ValueError(`"${raw}" has an invalid time of day`);
      return new Date(wallTimeToUtc(p, o.timeZone)).toISOString();
    }
    const ymd = /^(\d{4})-(\d{2})-(\d{2})[T ]/.exec(s);
    if (!ymd || !HAS_ZONE.test(s)) throw new ValueError(`"${raw}" is not an ISO date-time`);
    checkDate(+ymd[1]!, +ymd[2]!, +ymd[3]!, raw);
    const t = Date.parse(s.replace(' ', 'T'));
    if (Number.isNaN(t)) throw new ValueError(`"${raw}" is not an ISO date-time`);
    return new Date(t).toISOString();
  }
  const p = readPattern(s, o.format, raw);
  return new Date(wallTimeToUtc(p, o.timeZone)).toISOString();
}

/** `YYYY-MM-DD` plus `n` days. */
export function addDaysToDate(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

/** Damerau-free Levenshtein distance, for did-you-mean hints. */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** The closest candidate within a small edit distance, or null. */
export function didYouMean(word: string, candidates: readonly string[]): string | null {
  let best: string | null = null;
  let bestD = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best;
}
