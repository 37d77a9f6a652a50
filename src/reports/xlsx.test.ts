import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { sheetName, xlsxStream } from './xlsx.js';

async function workbookOf(stream: NodeJS.ReadableStream): Promise<ExcelJS.Workbook> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.concat(chunks) as unknown as ArrayBuffer);
  return workbook;
}

describe('Excel exports', () => {
  it('hold text that looks like a formula as text, never as a formula', async () => {
    const texts = ['=1+1', "-1+cmd|' /C calc'!A0", '@SUM(A1)', '+1'];
    const section = { title: 'Events', columns: [{ key: 'feature', label: 'Feature' }], rows: texts.map((feature) => ({ feature })) };
    const sheet = (await workbookOf(xlsxStream('t', [['Filter', 'value']], [section], null))).getWorksheet('Events')!;
    for (const [i, text] of texts.entries()) {
      const cell = sheet.getCell(`A${i + 2}`);
      expect(cell.type).toBe(ExcelJS.ValueType.String);
      expect(cell.value).toBe(text);
    }
  });

  it('name sheets in at most 31 characters, cut between words, each unlike the others', () => {
    const used = new Set<string>();
    expect(sheetName('Most active cloud server instances', used)).toBe('Most active cloud server');
    expect(sheetName('Most active cloud server instances too', used)).toBe('Most active cloud server 2');
    expect(sheetName('most active cloud server', used)).toBe('most active cloud server 3');
    expect(sheetName('Denials: by account [acme]', used)).toBe('Denials by account acme');
    expect(sheetName('Supercalifragilisticexpialidocious words', used)).toBe('Supercalifragilisticexpialidoci');
    for (const name of used) expect(name.length).toBeLessThanOrEqual(31);
  });

  it('write moments as dates with a date format, not as text', async () => {
    const section = { title: 'Usage', columns: [{ key: 'bucketStart', label: 'Period start', type: 'date' as const }], rows: [{ bucketStart: '2026-03-04T05:06:07.000Z' }] };
    const cell = (await workbookOf(xlsxStream('t', [], [section], null))).getWorksheet('Usage')!.getCell('A2');
    expect(cell.type).toBe(ExcelJS.ValueType.Date);
    expect((cell.value as Date).toISOString()).toBe('2026-03-04T05:06:07.000Z');
    expect(cell.numFmt).toBe('yyyy-mm-dd hh:mm:ss');
  });
});
