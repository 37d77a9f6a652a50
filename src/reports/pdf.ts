import type { Readable } from 'node:stream';
import PDFDocument from 'pdfkit';
import SVGtoPDF from 'svg-to-pdfkit';
import { chartSvg } from './chart-svg.js';
import type { ExportColumn } from './csv.js';
import { cell, cellText } from './csv.js';
import type { ReportSection } from './report-pages.js';

/** Rows of one table a PDF prints; the rest is in the CSV and XLSX exports. */
export const PDF_TABLE_ROWS = 200;

const MARGIN = 40;
/** Room kept under the text for the page number. */
const FOOTER = 20;
/** Lines a cell may wrap onto before it is cut with an ellipsis. */
const CELL_LINES = 4;
const PAD = 3;
const HEADING_FILL = '#e8edf3';
const STRIPE_FILL = '#f7f7f7';
const RULE = '#c8c8c8';

/** How a moment reads in a table: to the second, in UTC as the cover says. */
const shown = (column: ExportColumn, value: unknown): string =>
  column.type === 'date' && typeof value === 'string' ? value.replace('T', ' ').replace(/(\.\d+)?Z$/, '') : cellText(value);

/**
 * Column widths that share the page by what the columns hold: the longer of the heading's
 * longest word and the typical cell, so that short codes stay narrow and descriptions wrap.
 */
function columnWidths(columns: readonly ExportColumn[], rows: ReadonlyArray<readonly string[]>, width: number): number[] {
  const wants = columns.map((c, i) => {
    const longestWord = Math.max(...c.label.split(' ').map((w) => w.length));
    const cells = rows.slice(0, 100).map((r) => r[i]!.length).sort((a, b) => a - b);
    const typical = cells.length ? cells[Math.floor(cells.length * 0.9)]! : 0;
    return Math.min(40, Math.max(4, longestWord, typical));
  });
  const total = wants.reduce((a, b) => a + b, 0);
  return wants.map((w) => (w / total) * width);
}

/**
 * A table that reads on paper: a shaded heading row repeated on every page it runs onto, text
 * wrapped within its column (up to a few lines), rows striped and ruled.
 */
function table(doc: PDFKit.PDFDocument, columns: readonly ExportColumn[], rows: readonly object[]): void {
  const width = doc.page.width - 2 * MARGIN;
  const fontSize = columns.length > 10 ? 6.5 : columns.length > 6 ? 7.5 : 9;
  const texts = rows.map((row) => columns.map((c) => shown(c, cell(row, c.key))));
  const widths = columnWidths(columns, texts, width);
  const bottom = () => doc.page.height - MARGIN - FOOTER;
  const heightOf = (values: readonly string[], font: string) => {
    doc.font(font).fontSize(fontSize);
    const lineHeight = doc.currentLineHeight(true);
    const tallest = Math.max(...values.map((v, i) => doc.heightOfString(v || ' ', { width: widths[i]! - 2 * PAD })));
    return Math.min(tallest, lineHeight * CELL_LINES) + 2 * PAD;
  };
  const draw = (values: readonly string[], font: string, fill: string | null, height: number) => {
    const y = doc.y;
    if (fill) doc.rect(MARGIN, y, width, height).fill(fill);
    doc.fillColor('black').font(font).fontSize(fontSize);
    let x = MARGIN;
    values.forEach((v, i) => {
      doc.text(v, x + PAD, y + PAD, { width: widths[i]! - 2 * PAD, height: height - 2 * PAD, ellipsis: true });
      x += widths[i]!;
    });
    doc.moveTo(MARGIN, y + height).lineTo(MARGIN + width, y + height).lineWidth(0.5).strokeColor(RULE).stroke();
    doc.x = MARGIN;
    doc.y = y + height;
  };
  const labels = columns.map((c) => c.label);
  const headingHeight = heightOf(labels, 'Helvetica-Bold');
  const heading = () => draw(labels, 'Helvetica-Bold', HEADING_FILL, headingHeight);
  if (doc.y + headingHeight * 2 > bottom()) doc.addPage();
  heading();
  texts.forEach((values, n) => {
    const height = heightOf(values, 'Helvetica');
    if (doc.y + height > bottom()) {
      doc.addPage();
      heading();
    }
    draw(values, 'Helvetica', n % 2 === 1 ? STRIPE_FILL : null, height);
  });
}

/** The filters as a two-column table under the title: what the reader is looking at. */
function cover(doc: PDFKit.PDFDocument, filters: ReadonlyArray<[string, string]>): void {
  const labelWidth = 110;
  const valueWidth = doc.page.width - 2 * MARGIN - labelWidth;
  doc.fontSize(9);
  for (const [name, value] of filters) {
    const y = doc.y;
    doc.font('Helvetica-Bold').fillColor('#333').text(name, MARGIN, y, { width: labelWidth - 8 });
    doc.font('Helvetica').fillColor('black').text(value, MARGIN + labelWidth, y, { width: valueWidth });
    doc.x = MARGIN;
    doc.y = Math.max(doc.y, y + doc.currentLineHeight(true)) + 2;
  }
  doc.font('Helvetica').fillColor('#555').text(`Exported ${new Date().toISOString().slice(0, 19).replace('T', ' ')} UTC`, MARGIN).fillColor('black');
}

/** "Page n of m" at the foot of every page, written once the page count is known. */
function numberPages(doc: PDFKit.PDFDocument, title: string): void {
  const { start, count } = doc.bufferedPageRange();
  for (let i = start; i < start + count; i++) {
    doc.switchToPage(i);
    const bottomMargin = doc.page.margins.bottom;
    // Text below the bottom margin would start a new page: the footer sits in the margin.
    doc.page.margins.bottom = 0;
    doc.font('Helvetica').fontSize(8).fillColor('#555');
    doc.text(`${title} · page ${i - start + 1} of ${count}`, MARGIN, doc.page.height - MARGIN, { width: doc.page.width - 2 * MARGIN, align: 'right', lineBreak: false });
    doc.page.margins.bottom = bottomMargin;
  }
  doc.fillColor('black');
}

/**
 * A PDF of a report page, landscape: a cover with its title and every filter, then each
 * section's chart (the pages that have charts) and its table, with page numbers.
 */
export function pdfStream(title: string, filters: ReadonlyArray<[string, string]>, sections: readonly ReportSection[]): Readable {
  const doc = new PDFDocument({ size: 'A4', layout: 'landscape', margin: MARGIN, bufferPages: true, info: { Title: title, Creator: 'Tally' } });
  doc.font('Helvetica-Bold').fontSize(18).text(title);
  doc.moveDown(0.5);
  cover(doc, filters);
  const width = doc.page.width - 2 * MARGIN;
  sections.forEach((section, i) => {
    // Each section starts on a page of its own, except the first, under the cover.
    if (i > 0) doc.addPage();
    else doc.moveDown();
    doc.font('Helvetica-Bold').fontSize(13).text(section.title, MARGIN);
    doc.moveDown(0.5);
    if (section.chart && section.rows.length > 0) {
      const height = 230;
      if (doc.y + height > doc.page.height - MARGIN - FOOTER) doc.addPage();
      SVGtoPDF(doc, chartSvg(section.chart, Math.round(width), height), MARGIN, doc.y, { width, height, assumePt: true });
      doc.y += height + 10;
    }
    if (section.rows.length === 0) doc.font('Helvetica').fontSize(10).text('Nothing in this time range with these filters.');
    else table(doc, section.columns, section.rows.slice(0, PDF_TABLE_ROWS));
    const left = section.rows.length - PDF_TABLE_ROWS + (section.omitted ?? 0);
    if (left > 0) doc.moveDown().font('Helvetica-Oblique').fontSize(8).text(`${left} more rows: export CSV or XLSX for all of them.`, MARGIN);
  });
  numberPages(doc, title);
  doc.end();
  return doc;
}
