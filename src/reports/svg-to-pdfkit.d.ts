declare module 'svg-to-pdfkit' {
  /** Draws SVG text onto a PDFKit document at x, y. */
  export default function SVGtoPDF(doc: PDFKit.PDFDocument, svg: string, x: number, y: number, options?: { width?: number; height?: number; assumePt?: boolean }): void;
}
