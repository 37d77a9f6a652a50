import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { expect } from 'vitest';

/** Parses an exported CSV (heading line first) into records, checking every line has every column. */
export function checkCsv(file: string | Buffer): Array<Record<string, string>> {
  const text = typeof file === 'string' ? readFileSync(file, 'utf8') : file.toString('utf8');
  return parse<Record<string, string>>(text, { columns: true, skip_empty_lines: true, relax_column_count: false });
}

/** Opens an exported workbook with ExcelJS; it must have its cover sheet. */
export async function checkWorkbook(file: string | Buffer): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  const bytes = typeof file === 'string' ? readFileSync(file) : file;
  // ExcelJS types its input as the older Buffer type.
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  expect(workbook.getWorksheet('Report')).toBeDefined();
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
