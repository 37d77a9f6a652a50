import type { EventColumn } from '../../../../src/warehouse/queries/get-events.js';

/**
 * How the grid shows each column of the events listing, in the API's order; `hidden` ones start
 * hidden. Keyed by the API's column names, so that a column the API adds or drops does not
 * compile until the grid follows.
 */
export const GRID_COLUMNS: Record<EventColumn, { header: string; width?: number; numeric?: true; hidden?: true }> = {
  ts: { header: 'Time', width: 180 },
  accountId: { header: 'Account' },
  instanceId: { header: 'Instance', width: 160 },
  feature: { header: 'Feature' },
  version: { header: 'Version', width: 90, hidden: true },
  kind: { header: 'Kind', width: 100 },
  count: { header: 'Count', width: 80, numeric: true },
  deviceId: { header: 'Device', width: 160 },
  deviceIdType: { header: 'Device ID type', hidden: true },
  alias: { header: 'Alias', hidden: true },
  user: { header: 'User' },
  pool: { header: 'Pool', hidden: true },
  inUseAfter: { header: 'In use after', numeric: true },
  capacity: { header: 'Capacity', width: 100, numeric: true },
  usagePercentage: { header: 'Usage Percentage', width: 150, numeric: true },
  statusCode: { header: 'Denial', width: 190, numeric: true },
  source: { header: 'Source', width: 100, hidden: true },
};
