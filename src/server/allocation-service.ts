import { z } from 'zod';
import { TallyError } from '../common/errors.js';
import { newId } from '../common/ids.js';
import type { Logger } from '../common/log.js';
import type { Clock, EpochMs } from '../common/time.js';
import type { LicenseState } from '../licensing/license-state.js';
import { parseModel } from '../licensing/model-definition/parser.js';
import type { PoolPlan } from '../licensing/model-definition/validate.js';
import { planPools, validateModel } from '../licensing/model-definition/validate.js';
import type { PoolListing } from '../licensing/pool.js';
import { listPools } from '../licensing/pool.js';
import { placeHeldCounts } from '../licensing/pool-draw.js';
import type { ReservationGroup } from '../licensing/reservation.js';
import type { ReservationStatus } from '../licensing/reservation.js';
import { ReservationBook, checkNewGroups, holderOf, reservationStatus } from '../licensing/reservation.js';
import type { groupInputSchema } from './http/reservations/routes.js';
import type { LicenseService } from './license-service.js';
import type { LicenseStore, StoredModel } from './store/license-store.js';
import { changeOps, deleteModelOps, deleteReservationGroupOps, putModelOps, putReservationGroupOps } from './store/license-store.js';

/** A reservation group as administrators write it (and as export writes it back). */
export type ReservationGroupInput = z.output<typeof groupInputSchema>;

/** What activating or checking a model reports: its pools and how many counts each took. */
export const modelSummarySchema = z.object({
  name: z.string(),
  pools: z.array(z.object({ name: z.string(), features: z.number(), allocated: z.number() })),
  rules: z.number(),
});

export type ModelSummary = z.infer<typeof modelSummarySchema>;

/** Puts the stored model and reservations back into a freshly built state (start-up, failed commit). */
export function restoreAllocation(state: LicenseState, store: LicenseStore, now: EpochMs, log: Logger): void {
  const model = store.readModel();
  if (model) {
    try {
      state.pools = planPools(parseModel(model.text), state.allRecords(), now).plan;
    } catch (error) {
      // A stored model was valid when it was activated; a newer server may read the language more strictly.
      log.error({ event: 'model.unreadable', err: (error as Error).message }, 'the stored model definition cannot be read; pools are off');
    }
  }
  const groups = store.readReservationGroups();
  state.reservations = groups.length > 0 ? new ReservationBook(groups) : null;
}

/**
 * After the records change (a license loaded or removed), the model's percentages and
 * remainders are worked out again; problems the new records cause are logged and shown in
 * the pool listing rather than switching the pools off.
 */
export function replanPools(state: LicenseState, store: LicenseStore, now: EpochMs, log: Logger): void {
  if (!state.pools) return;
  const { plan, problems } = planPools(state.pools.model, state.allRecords(), now);
  state.pools = plan;
  if (problems.length > 0) log.warn({ event: 'model.misfit', problems: problems.map((p) => p.message), model: store.readModel()?.name }, 'the active model no longer fits the licenses');
}

function summarize(plan: PoolPlan): ModelSummary {
  return {
    name: plan.model.name,
    pools: plan.pools.map((name) => {
      const counts = [...(plan.allocated.get(name)?.values() ?? [])];
      return { name, features: counts.filter((n) => n > 0).length, allocated: counts.reduce((a, b) => a + b, 0) };
    }),
    rules: plan.model.rules.length,
  };
}

/**
 * Named license pools and reservations on the license server: activating, reading and deleting
 * the model definition; adding, listing, exporting and deleting reservation groups. Each change
 * is checked, applied to the in-memory state at once (so no request is decided on a half
 * state) and written behind the changes already decided.
 */
export class AllocationService {
  constructor(
    private readonly service: LicenseService,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  private get state(): LicenseState {
    return this.service.licenseState;
  }

  model(): StoredModel {
    const model = this.service.store.readModel();
    if (!model) throw new TallyError('NOT_FOUND', 'No model definition is active.');
    return model;
  }

  /** Parses and validates a model against this server's features without activating it. */
  checkModel(text: string): ModelSummary {
    return summarize(validateModel(parseModel(text), this.state.allRecords(), this.clock.now()));
  }

  async activateModel(text: string, by: string): Promise<{ model: ModelSummary; replaced: boolean }> {
    const now = this.clock.now();
    const plan = validateModel(parseModel(text), this.state.allRecords(), now);
    if (this.state.reservations !== null) {
      throw new TallyError('CONFLICT', 'Reservations are in use: delete every reservation group before activating a model definition (pools and reservations never coexist).', [
        { field: 'text', message: 'reservation groups exist; delete them first' },
      ]);
    }
    const replaced = this.state.pools !== null;
    // What devices hold already is counted in the new pools, in the same transaction as the model.
    const placed = placeHeldCounts(this.state, plan, newId);
    this.state.pools = plan;
    this.state.apply(placed);
    await this.service.submitAdmin([...changeOps(placed, now), ...putModelOps({ name: plan.model.name, text, activatedAt: now, activatedBy: by })]);
    this.log.info({ event: 'model.activated', name: plan.model.name, by }, 'model definition activated');
    return { model: summarize(plan), replaced };
  }

  async deleteModel(): Promise<void> {
    if (this.state.pools === null && !this.service.store.readModel()) throw new TallyError('NOT_FOUND', 'No model definition is active.');
    this.state.pools = null;
    await this.service.submitAdmin(deleteModelOps());
    this.log.info({ event: 'model.deleted' }, 'model definition deleted');
  }

  /** Every pool (named ones in model order, then default) with its features; empty without a model. */
  pools(): { model: string | null; pools: PoolListing[] } {
    const plan = this.state.pools;
    if (!plan) return { model: null, pools: [] };
    return { model: plan.model.name, pools: listPools(plan, this.state.allRecords(), (key) => this.state.usedInPool(key), this.clock.now()) };
  }

  groups(): ReservationGroup[] {
    return [...(this.state.reservations?.groups ?? [])];
  }

  /** Whether each reservation (by ID) can be satisfied by what the server holds now, and why not. */
  status(): Map<string, ReservationStatus> {
    return reservationStatus(this.groups(), this.state.allRecords(), this.clock.now());
  }

  /**
   * Adds groups, all or nothing: every group is checked (known features, names not taken, a
   * hostid once per posting, enough unreserved counts for all of it) before any is added.
   */
  async addGroups(inputs: readonly ReservationGroupInput[], field: (i: number) => string): Promise<ReservationGroup[]> {
    if (this.state.pools !== null) {
      throw new TallyError('CONFLICT', 'A model definition is active: delete it before adding reservations (pools and reservations never coexist).', [
        { field: field(0), message: 'a model definition is active; delete it first' },
      ]);
    }
    const now = this.clock.now();
    const added: ReservationGroup[] = inputs.map((g) => ({
      id: newId(),
      name: g.name,
      createdAt: now,
      reservations: g.reservations.map((r) => ({
        id: newId(),
        hostId: r.hostId,
        holder: holderOf(r.hostId),
        entries: r.reservationEntries.map((e) => ({ id: newId(), feature: e.featureName, version: e.featureVersion, count: e.featureCount })),
      })),
    }));
    const existing = this.groups();
    checkNewGroups(existing, added, this.state.allRecords(), now, field);
    this.state.reservations = new ReservationBook([...existing, ...added]);
    await this.service.submitAdmin(putReservationGroupOps(added));
    this.log.info({ event: 'reservations.added', groups: added.map((g) => g.name) }, 'reservation groups added');
    return added;
  }

  /** Deletes groups by ID, all or nothing: an unknown ID deletes none. */
  async deleteGroups(ids: readonly string[]): Promise<void> {
    const existing = this.groups();
    const missing = ids.filter((id) => !existing.some((g) => g.id === id));
    if (missing.length > 0) {
      throw new TallyError('NOT_FOUND', `No reservation group ${missing[0]}; nothing was deleted.`, missing.map((id) => ({ field: 'ids', message: `${id} matches no group` })));
    }
    const kept = existing.filter((g) => !ids.includes(g.id));
    this.state.reservations = kept.length > 0 ? new ReservationBook(kept) : null;
    await this.service.submitAdmin(deleteReservationGroupOps(ids));
    this.log.info({ event: 'reservations.deleted', groups: ids }, 'reservation groups deleted');
  }
}

/** A group in the import/export shape. */
export function exportGroup(g: ReservationGroup): ReservationGroupInput {
  return {
    name: g.name,
    reservations: g.reservations.map((r) => ({
      hostId: { value: r.hostId.value, type: r.hostId.type },
      reservationEntries: r.entries.map((e) => ({ featureName: e.feature, featureVersion: e.version, featureCount: e.count })),
    })),
  };
}
