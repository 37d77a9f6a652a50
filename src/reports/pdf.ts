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

/** A plain table: a bold heading row, then rows, breaking onto new pages as needed. */
function table(doc: PDFKit.PDFDocument, columns: readonly ExportColumn[], rows: readonly object[]): void {
  const width = doc.page.width - 2 * MARGIN;
  const colWidth = width / columns.length;
  const fontSize = columns.length > 8 ? 6 : 8;
  const rowHeight = fontSize + 6;
  const line = (values: string[], bold: boolean) => {
    if (doc.y + rowHeight > doc.page.height - MARGIN) doc.addPage();
    const y = doc.y;
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(fontSize);
    values.forEach((v, i) => doc.text(v, MARGIN + i * colWidth, y, { width: colWidth - 4, height: rowHeight, ellipsis: true, lineBreak: false }));
    doc.x = MARGIN;
    doc.y = y + rowHeight;
  };
  line(columns.map((c) => c.label), true);
  for (const row of rows) line(columns.map((c) => cellText(cell(row, c.key))), false);
}

/** A PDF of a report page: its title and filters, then each section's chart and table. */
export function pdfStream(title: string, filters: string, sections: readonly ReportSection[]): Readable {
  const doc = new PDFDocument({ size: 'A4', layout: 'landscape', margin: MARGIN, info: { Title: title, Creator: 'Tally' } });
  doc.font('Helvetica-Bold').fontSize(18).text(title);
  doc.font('Helvetica').fontSize(9).fillColor('#555').text(filters).text(`Exported ${new Date().toISOString()}`).fillColor('black');
  const width = doc.page.width - 2 * MARGIN;
  sections.forEach((section, i) => {
    // Each section starts on a page of its own, except the first, under the title.
    if (i > 0) doc.addPage();
    else doc.moveDown();
    doc.font('Helvetica-Bold').fontSize(13).text(section.title, MARGIN);
    doc.moveDown(0.5);
    if (section.chart && section.rows.length > 0) {
      const height = 230;
      SVGtoPDF(doc, chartSvg(section.chart, Math.round(width), height), MARGIN, doc.y, { width, height, assumePt: true });
      doc.y += height + 10;
    }
    if (section.rows.length === 0) doc.font('Helvetica').fontSize(10).text('Nothing in this time range with these filters.');
    else table(doc, section.columns, section.rows.slice(0, PDF_TABLE_ROWS));
    const left = section.rows.length - PDF_TABLE_ROWS + (section.omitted ?? 0);
    if (left > 0) doc.moveDown().font('Helvetica-Oblique').fontSize(8).text(`${left} more rows: export CSV or XLSX for all of them.`, MARGIN);
  });
  doc.end();
  return doc;
}
