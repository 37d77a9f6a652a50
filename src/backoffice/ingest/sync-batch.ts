import { TallyError, detailsFromIssues } from '../../common/errors.js';
import type { UsageEvent } from '../../licensing/usage-event.js';
import { compileCheck } from '../../common/schema-check.js';
import { eventRuleProblem, usageEventSchema } from '../../licensing/usage-event.js';
import type { SyncBatch, SyncResult } from '../../licensing/usage-sync.js';
import type { Warehouse } from '../../warehouse/warehouse.js';
import type { Instance } from '../instances/instance-registry.js';
import type { Quarantine, Unstorable } from './quarantine.js';
import { eventIdOf } from './quarantine.js';

const isUsageEvent = compileCheck(usageEventSchema);

/**
 * Ingests a batch from a license server. Every event is checked; the good ones are stored in
 * one transaction, and one that cannot be stored (a field out of range, an event of another
 * instance) is set aside in the quarantine with the field and the reason, so that it never
 * holds up the events after it. Only a batch of another instance is refused whole. The account
 * is filled from the instance. Without a quarantine (tools importing files on the command
 * line), such an event refuses the batch instead, naming it, so that the tool stops and says so.
 */
export async function ingestBatch(batch: SyncBatch, instance: Instance, warehouse: Warehouse, quarantine?: Quarantine): Promise<SyncResult> {
  if (batch.instanceId !== instance.id) {
    throw new TallyError('FORBIDDEN', `This credential belongs to instance ${instance.id}, not ${batch.instanceId}.`, [{ field: 'body.instanceId', message: 'does not match the credential' }]);
  }
  const events: UsageEvent[] = [];
  const unstorable: Array<Unstorable & { index: number }> = [];
  for (const [index, raw] of batch.events.entries()) {
    // The compiled check passes good events quickly; Zod names the field of a bad one.
    let event = raw as UsageEvent;
    if (!isUsageEvent(raw) || eventRuleProblem(event)) {
      const parsed = usageEventSchema.safeParse(raw);
      if (!parsed.success) {
        unstorable.push({ index, instanceId: instance.id, raw, details: detailsFromIssues(parsed.error.issues) });
        continue;
      }
      event = parsed.data;
    }
    if (event.instanceId !== instance.id) {
      unstorable.push({ index, instanceId: instance.id, raw, details: [{ field: 'instanceId', message: `names instance ${event.instanceId}; this credential may only send events of ${instance.id}` }] });
      continue;
    }
    if (event.accountId !== instance.accountId) event = { ...event, accountId: instance.accountId };
    events.push(event);
  }
  const first = unstorable[0];
  if (first && !quarantine) {
    const details = first.details.map((d) => ({ field: `body.events.${first.index}.${d.field}`, message: d.message }));
    throw new TallyError('BAD_REQUEST', `Event ${first.index} is invalid (${details[0]!.field}: ${details[0]!.message}); nothing in this batch was stored.`, details);
  }
  // Set aside before the good ones are acknowledged: a batch acknowledged has lost nothing.
  quarantine?.add(unstorable);
  const result = await warehouse.ingest(events);
  return {
    ...result,
    quarantined: unstorable.length,
    quarantinedEvents: unstorable.map((u) => ({
      index: u.index,
      eventId: eventIdOf(u.raw),
      field: u.details[0]?.field ?? '(event)',
      reason: u.details[0]?.message ?? 'cannot be stored',
    })),
  };
}
