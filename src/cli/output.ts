import { ApiError } from '../client/license-client.js';
import { TallyError } from '../common/errors.js';

/** Prints JSON for scripts or text for people. */
export function emit(json: boolean, value: unknown, text: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${text()}\n`);
}

/** Aligns rows of cells into columns. */
export function table(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ')).join('\n');
}

/** Turns any failure into a message a person can act on: never a stack trace. */
export function describeFailure(error: unknown): string {
  if (error instanceof TallyError || error instanceof ApiError) {
    const details = error instanceof TallyError ? error.details : (error.body?.error.details ?? []);
    const lines = [`error: ${error.message}`];
    for (const d of details) if (!error.message.includes(d.message)) lines.push(`  ${d.field}: ${d.message}`);
    return lines.join('\n');
  }
  if (error instanceof Error && 'cause' in error && (error.cause as { code?: string } | undefined)?.code === 'ECONNREFUSED') {
    const cause = error.cause as { address?: string; port?: number };
    return `error: nothing answers at http://${cause.address ?? ''}:${cause.port ?? ''} (connection refused): is the server running? Point this command elsewhere with --server URL, TALLY_SERVER, or TALLY_DATA naming the folder of a running tally start.`;
  }
  if (error instanceof Error && error.name === 'CommanderError') return '';
  return `error: ${error instanceof Error ? error.message : String(error)}`;
}
