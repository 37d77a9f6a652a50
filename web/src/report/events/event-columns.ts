import type { EventColumn } from '../../../../src/warehouse/queries/get-events.js';

/**
 * How the grid shows each column of the events listing, in the API's order; `hidden` ones start
 * hidden. Text columns share the width left (`flex`) above their `width`; numbers keep theirs, so
 * that the columns shown at first, Usage Percentage included, fit 1440 pixels without scrolling.
 * Keyed by the API's column names, so that a column the API adds or drops does not compile
 * until the grid follows.
 */
export const GRID_COLUMNS: Record<EventColumn, { header: string; width: number; flex?: true; numeric?: true; hidden?: true }> = {
  ts: { header: 'Time', width: 175 },
  accountId: { header: 'Account', width: 100, flex: true },
  instanceId: { header: 'Instance', width: 100, flex: true },
  feature: { header: 'Feature', width: 90, flex: true },
  version: { header: 'Version', width: 90, hidden: true },
  kind: { header: 'Kind', width: 80 },
  count: { header: 'Count', width: 70, numeric: true },
  deviceId: { header: 'Device', width: 110, flex: true },
  deviceIdType: { header: 'Device ID type', width: 130, hidden: true },
  alias: { header: 'Alias', width: 110, flex: true, hidden: true },
  user: { header: 'User', width: 100, flex: true },
  pool: { header: 'Pool', width: 100, hidden: true },
  inUseAfter: { header: 'In use after', width: 100, numeric: true },
  capacity: { header: 'Capacity', width: 85, numeric: true },
  usagePercentage: { header: 'Usage Percentage', width: 140, numeric: true },
  statusCode: { header: 'Denial', width: 150, flex: true, numeric: true },
  source: { header: 'Source', width: 100, hidden: true },
};
