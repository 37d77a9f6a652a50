import { z } from 'zod';
import { SETTINGS } from '../common/settings.js';

/** Most events one sync request may carry: the largest batch a server may be set to send. */
export const MAX_BATCH = SETTINGS.sync.batchSize.max;

/**
 * What a license server posts to the back office's sync endpoint: its outbox, oldest first.
 * The events stay unknown here: the back office checks each on its own, so that one it cannot
 * store is set aside rather than refusing the batch. Other fields of the envelope are ignored,
 * so that servers of another release (which sent sequence numbers) still deliver.
 */
export const syncBatchSchema = z
  .object({
    instanceId: z.string().min(1).max(64),
    events: z.array(z.unknown()).max(MAX_BATCH, `must hold at most ${MAX_BATCH} events`),
  })
  .strip();

export type SyncBatch = z.output<typeof syncBatchSchema>;

/** The back office's answer to a batch: how many events were stored, already stored, or set aside, and which were set aside. */
export const syncResultSchema = z.object({
  accepted: z.number().describe('events stored now'),
  duplicates: z.number().describe('events already stored (same eventId), or repeated in the batch'),
  quarantined: z.number().describe('events that cannot be stored, set aside in the quarantine'),
  quarantinedEvents: z.array(
    z.object({
      index: z.number().describe('position in the batch'),
      eventId: z.string().nullable(),
      field: z.string(),
      reason: z.string(),
    }),
  ),
});

export type SyncResult = z.infer<typeof syncResultSchema>;
