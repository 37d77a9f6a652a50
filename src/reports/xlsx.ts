import { PassThrough } from 'node:stream';
import type { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { ExportColumn } from './csv.js';
import { cell } from './csv.js';
import type { ReportSection } from './report-pages.js';

/** Rows an Excel sheet holds, less the heading. */
const SHEET_ROWS = 1_048_575;
/** The longest sheet name Excel accepts. */
const SHEET_NAME_LENGTH = 31;
/** How a date cell shows: the moment to the second, as the filters say, in UTC. */
const DATE_FORMAT = 'yyyy-mm-dd hh:mm:ss';

/** A listing written after the sections, chunk by chunk. */
export interface StreamedListing {
  title: string;
  columns: ExportColumn[];
  chunks: AsyncIterable<readonly object[]>;
}

/** The first words of `text` that fit in `length` characters (a lone long word is cut). */
function fitWords(text: string, length: number): string {
  if (text.length <= length) return text;
  const cut = text.slice(0, length + 1);
  const space = cut.lastIndexOf(' ');
  return (space > 0 ? cut.slice(0, space) : text.slice(0, length)).trim();
}

/**
 * A sheet name Excel accepts: none of []*?:/\, at most 31 characters shortened at a word
 * boundary, and unlike every other sheet of the workbook (Excel compares them without case).
 */
export function sheetName(title: string, used: Set<string>): string {
  const clean = title.replace(/[[\]*?:/\\]/g, ' ').replace(/\s+/g, ' ').replace(/^'|'$/g, '').trim() || 'Sheet';
  let name = fitWords(clean, SHEET_NAME_LENGTH);
  for (let i = 2; used.has(name.toLowerCase()); i++) name = `${fitWords(clean, SHEET_NAME_LENGTH - String(i).length - 1)} ${i}`;
  used.add(name.toLowerCase());
  return name;
}

/** A row's cells in the columns' order; moments become dates, which ExcelJS writes in UTC. */
function values(columns: readonly ExportColumn[], row: object): unknown[] {
  return columns.map((c) => {
    const value = cell(row, c.key);
    if (c.type === 'date' && typeof value === 'string') {
      const date = new Date(value);
      return Number.isNaN(date.getTime()) ? value : date;
    }
    return value ?? null;
  });
}

/**
 * An Excel workbook streamed as it is written: a Filters sheet that says everything the export
 * was narrowed by, one sheet per section, and the listing (if any) row by row, so a long listing
 * is never held in memory.
 */
export function xlsxStream(title: string, filters: ReadonlyArray<[string, string]>, sections: readonly ReportSection[], listing: StreamedListing | null): Readable {
  const out = new PassThrough();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const used = new Set<string>();
  const addSheet = (name: string, columns: readonly ExportColumn[]) => {
    const sheet = workbook.addWorksheet(sheetName(name, used), { views: [{ state: 'frozen', ySplit: 1 }] });
    sheet.columns = columns.map((c) => ({
      header: c.label,
      key: c.key,
      width: c.type === 'date' ? 20 : Math.max(12, c.label.length + 2),
      ...(c.type === 'date' ? { style: { numFmt: DATE_FORMAT } } : {}),
    }));
    sheet.getRow(1).font = { bold: true };
    return sheet;
  };
  void (async () => {
    const cover = workbook.addWorksheet(sheetName('Filters', used));
    cover.columns = [{ width: 20 }, { width: 80 }];
    cover.addRow([title]).font = { bold: true, size: 14 };
    cover.addRow([]);
    const heading = cover.addRow(['Filter', 'Value']);
    heading.font = { bold: true };
    for (const [name, value] of filters) cover.addRow([name, value]);
    cover.addRow(['Exported', new Date()]).getCell(2).numFmt = DATE_FORMAT;
    cover.commit();
    for (const section of sections) {
      const sheet = addSheet(section.title.replace(/ \(.*\)$/, ''), section.columns);
      for (const row of section.rows) sheet.addRow(values(section.columns, row)).commit();
      sheet.commit();
    }
    if (listing) {
      const sheet = addSheet(listing.title, listing.columns);
      let written = 0;
      for await (const rows of listing.chunks) {
        for (const row of rows) {
          if (written++ >= SHEET_ROWS) break;
          sheet.addRow(values(listing.columns, row)).commit();
        }
        if (written > SHEET_ROWS) break;
      }
      sheet.commit();
    }
    await workbook.commit();
  })().catch((error: unknown) => out.destroy(error as Error));
  return out;
}
