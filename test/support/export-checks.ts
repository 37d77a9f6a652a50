import { readFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { expect } from 'vitest';

/** Parses an exported CSV (heading line first) into records, checking every line has every column. */
export function checkCsv(file: string | Buffer): Array<Record<string, string>> {
  const text = typeof file === 'string' ? readFileSync(file, 'utf8') : file.toString('utf8');
  return parse<Record<string, string>>(text, { columns: true, skip_empty_lines: true, relax_column_count: false });
}

/** Opens an exported workbook with ExcelJS; it opens on its Filters sheet. */
export async function checkWorkbook(file: string | Buffer): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  const bytes = typeof file === 'string' ? readFileSync(file) : file;
  // ExcelJS types its input as the older Buffer type.
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  expect(workbook.worksheets[0]!.name).toBe('Filters');
  return workbook;
}

/** Checks an exported PDF: the PDF signature, its end marker, and how many pages it has. */
export function checkPdf(file: string | Buffer): { pages: number; text: string } {
  const bytes = typeof file === 'string' ? readFileSync(file) : file;
  const text = bytes.toString('latin1');
  expect(text.startsWith('%PDF-')).toBe(true);
  expect(text.trimEnd().endsWith('%%EOF')).toBe(true);
  const pages = (text.match(/\/Type \/Page\b/g) ?? []).length;
  expect(pages).toBeGreaterThan(0);
  return { pages, text };
}

/**
 * The text a PDF shows, line by line as it was written: every content stream inflated, and the
 * strings of its text operators decoded (the standard fonts write WinAnsi codes in hex).
 */
export function pdfText(file: Buffer): string[] {
  const lines: string[] = [];
  const raw = file.toString('latin1');
  for (const m of raw.matchAll(/stream\r?\n/g)) {
    const start = m.index + m[0].length;
    const end = raw.indexOf('endstream', start);
    let content: string;
    try {
      content = inflateSync(file.subarray(start, end)).toString('latin1');
    } catch {
      continue;
    }
    for (const op of content.matchAll(/\[((?:<[0-9a-fA-F]*>\s*-?[\d.]*\s*)+)\]\s*TJ|<([0-9a-fA-F]*)>\s*Tj/g)) {
      const hex = op[1] ? [...op[1].matchAll(/<([0-9a-fA-F]*)>/g)].map((h) => h[1]).join('') : op[2]!;
      lines.push(Buffer.from(hex, 'hex').toString('latin1'));
    }
  }
  return lines;
}
