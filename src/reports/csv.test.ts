import { describe, expect, it } from 'vitest';
import { csvLine } from './csv.js';

const one = (value: unknown) => csvLine([value]).replace(/\r\n$/, '');

describe('CSV cells a spreadsheet could run as formulas', () => {
  it.each([
    ['=1+1', "'=1+1"],
    ['+1+cmd', "'+1+cmd"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tcmd', "'\tcmd"],
    ['\r=cmd', `"'\r=cmd"`],
    // Text that starts like a number is still text a spreadsheet evaluates.
    ["-1+cmd|' /C calc'!A0", "'-1+cmd|' /C calc'!A0"],
    ['-2-cmd', "'-2-cmd"],
    ['+1', "'+1"],
    ['-1e3x', "'-1e3x"],
    ['--1', "'--1"],
    ['-', "'-"],
  ])('guards a text cell starting with = + - @ tab or CR: %j', (cell, expected) => {
    expect(one(cell)).toBe(expected);
  });

  it.each([
    [-1, '-1'],
    ['-1', '-1'],
    ['-12.5', '-12.5'],
    [-0.25, '-0.25'],
    ['-1e-7', '-1e-7'],
  ])('leaves a cell that is wholly a negative number as it is: %j', (cell, expected) => {
    expect(one(cell)).toBe(expected);
  });

  it('leaves other text alone and quotes commas, quotes and line breaks', () => {
    expect(one('cad')).toBe('cad');
    expect(one('a,b')).toBe('"a,b"');
    expect(one('say "hi"')).toBe('"say ""hi"""');
    expect(one(null)).toBe('');
  });
});
