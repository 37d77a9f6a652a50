import { PassThrough } from 'node:stream';
import type { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { ExportColumn } from './csv.js';
import type { ReportSection } from './report-pages.js';

/** Rows an Excel sheet holds, less the heading. */
const SHEET_ROWS = 1_048_575;

/** A listing written after the sections, chunk by chunk. */
export interface StreamedListing {
  title: string;
  columns: ExportColumn[];
  chunks: AsyncIterable<readonly object[]>;
}

const sheetName = (title: string, used: Set<string>) => {
  let name = title.replace(/[[\]*?:/\\]/g, ' ').slice(0, 31).trim();
  for (let i = 2; used.has(name); i++) name = `${name.slice(0, 28)} ${i}`;
  used.add(name);
  return name;
};

/**
 * An Excel workbook streamed as it is written: a cover sheet with the filters, one sheet per
 * section, and the listing (if any) row by row, so a long listing is never held in memory.
 */
export function xlsxStream(title: string, filters: string, sections: readonly ReportSection[], listing: StreamedListing | null): Readable {
  const out = new PassThrough();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const used = new Set<string>();
  const addSheet = (name: string, columns: readonly ExportColumn[]) => {
    const sheet = workbook.addWorksheet(sheetName(name, used), { views: [{ state: 'frozen', ySplit: 1 }] });
    sheet.columns = columns.map((c) => ({ header: c.label, key: c.key, width: Math.max(12, c.label.length + 2) }));
    sheet.getRow(1).font = { bold: true };
    return sheet;
  };
  void (async () => {
    const cover = workbook.addWorksheet(sheetName('Report', used));
    cover.addRow([title]).font = { bold: true, size: 14 };
    cover.addRow([filters]);
    cover.addRow([`Exported ${new Date().toISOString()}`]);
    cover.commit();
    for (const section of sections) {
      const sheet = addSheet(section.title.replace(/ \(.*\)$/, ''), section.columns);
      for (const row of section.rows) sheet.addRow(row).commit();
      sheet.commit();
    }
    if (listing) {
      const sheet = addSheet(listing.title, listing.columns);
      let written = 0;
      for await (const rows of listing.chunks) {
        for (const row of rows) {
          if (written++ >= SHEET_ROWS) break;
          sheet.addRow(row).commit();
        }
        if (written > SHEET_ROWS) break;
      }
      sheet.commit();
    }
    await workbook.commit();
  })().catch((error: unknown) => out.destroy(error as Error));
  return out;
}
