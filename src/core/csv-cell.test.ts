import { describe, expect, it } from 'vitest';
import { csvCell } from './csv-cell.ts';

// issue 20 minor: the export's formula guard let "-2+3+cmd|..." through.
describe('csvCell', () => {
  it('guards every text cell starting with = + - @ tab or CR, and quotes what needs quoting', () => {
    const cases: [unknown, string][] = [
      ["-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"],
      ['=HYPERLINK("http://x")', `"'=HYPERLINK(""http://x"")"`],
      ['+1', "'+1"],
      ['-1', "'-1"],
      ['@SUM(A1)', "'@SUM(A1)"],
      ['\tcmd', "'\tcmd"],
      ['\rcmd', `"'\rcmd"`],
      ['Acme, Inc.', '"Acme, Inc."'],
      ['plain', 'plain'],
      [-1200.5, '-1200.5'],
      [null, ''],
      [['a', '=b'], 'a;=b'],
    ];
    for (const [input, out] of cases) expect(csvCell(input), String(input)).toBe(out);
  });
});
