import { z } from 'zod';
import { TallyError, detailsFromIssues } from '../../common/errors.js';
import type { UsageEvent } from '../../licensing/usage-event.js';
import { compileCheck } from '../../common/schema-check.js';
import { eventRuleProblem, usageEventSchema } from '../../licensing/usage-event.js';
import type { IngestResult, Warehouse } from '../../warehouse/warehouse.js';
import type { Instance } from '../instances/instance-registry.js';

/** Most events one sync request may carry. */
export const MAX_BATCH = 10_000;

export const syncBatchSchema = z
  .object({
    instanceId: z.string().min(1).max(64),
    firstSeq: z.number().int().min(0).optional(),
    lastSeq: z.number().int().min(0).optional(),
    events: z.array(z.unknown()).max(MAX_BATCH, `must hold at most ${MAX_BATCH} events`),
  })
  .strict();

export type SyncBatch = z.output<typeof syncBatchSchema>;

const isUsageEvent = compileCheck(usageEventSchema);

/**
 * Ingests a batch from a license server: every event is checked before any is stored, and a
 * batch with one bad event is refused whole, naming the event's index and field. Events must
 * come from the instance that sent them; the account is filled from the instance.
 */
export async function ingestBatch(batch: SyncBatch, instance: Instance, warehouse: Warehouse): Promise<IngestResult> {
  if (batch.instanceId !== instance.id) {
    throw new TallyError('FORBIDDEN', `This credential belongs to instance ${instance.id}, not ${batch.instanceId}.`, [{ field: 'body.instanceId', message: 'does not match the credential' }]);
  }
  const events: UsageEvent[] = [];
  for (const [index, raw] of batch.events.entries()) {
    // The compiled check passes good events quickly; Zod names the field of a bad one.
    let event = raw as UsageEvent;
    if (!isUsageEvent(raw) || eventRuleProblem(event)) {
      const parsed = usageEventSchema.safeParse(raw);
      if (!parsed.success) {
        const details = detailsFromIssues(parsed.error.issues, `body.events.${index}`);
        throw new TallyError('BAD_REQUEST', `Event ${index} is invalid (${details[0]!.field}: ${details[0]!.message}); nothing in this batch was stored.`, details);
      }
      event = parsed.data;
    }
    if (event.instanceId !== instance.id) {
      throw new TallyError('FORBIDDEN', `Event ${index} names instance ${event.instanceId}; this credential may only send events of ${instance.id}.`, [
        { field: `body.events.${index}.instanceId`, message: 'does not match the credential' },
      ]);
    }
    if (event.accountId !== instance.accountId) event = { ...event, accountId: instance.accountId };
    events.push(event);
  }
  return warehouse.ingest(events);
}
