const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Text as HTML that shows it as written. ECharts puts what a tooltip formatter returns into the
 * page as HTML, and names in the report (features, accounts, devices, users) come from license
 * servers and logs: every one of them goes through here before it joins tooltip markup.
 */
export function escapeHtml(text: string | number | null | undefined): string {
  return String(text ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}
