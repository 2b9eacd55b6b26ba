import { describe, expect, it } from 'vitest';
import { formatMoney, formatNumber, formatPercent, formatTable } from './print-table.ts';

describe('formatTable', () => {
  it('prints a header row and pads columns to their widest cell, numbers to the right', () => {
    const text = formatTable(
      [
        { name: 'Acme', arr: 1_234_567, note: null },
        { name: 'Initech Corporation', arr: 12, note: 'x' },
      ],
      [
        { header: 'NAME', value: (r) => r.name },
        { header: 'ARR', value: (r) => r.arr },
        { header: 'NOTE', value: (r) => r.note },
      ],
    );
    expect(text).toBe(
      [
        'NAME                       ARR  NOTE',
        'Acme                 1,234,567  –',
        'Initech Corporation         12  x',
        '',
      ].join('\n'),
    );
  });
});

describe('numbers for people', () => {
  it('rounds floats, separates thousands, keeps percentages to one decimal', () => {
    expect(formatNumber(1.1520000000000001)).toBe('1.15');
    expect(formatNumber(48213.7)).toBe('48,214');
    expect(formatNumber(123.456)).toBe('123.5');
    expect(formatMoney(48213.7)).toBe('48,214');
    expect(formatMoney(null)).toBeNull();
    expect(formatPercent(0.1234)).toBe('12.3%');
    expect(formatPercent(1)).toBe('100.0%');
    expect(formatPercent(Number.NaN)).toBeNull();
  });
});
