import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { xlsxStream } from './xlsx.js';

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
    const sheet = (await workbookOf(xlsxStream('t', 'f', [section], null))).getWorksheet('Events')!;
    for (const [i, text] of texts.entries()) {
      const cell = sheet.getCell(`A${i + 2}`);
      expect(cell.type).toBe(ExcelJS.ValueType.String);
      expect(cell.value).toBe(text);
    }
  });
});
