// npm run bench:pools — capability decisions per second in the licensing domain alone (no HTTP,
// no storage), on one core: with no model and no reservations (the plain path), with a model
// of named pools and rules of access, and with reservations in force. Each decision is a full
// request for one feature; devices cycle through BENCH_DEVICES (default 2,000) hostids, a
// third of them matching the pool rules or holding a reservation.
// Settings: BENCH_DECISIONS (default 200,000 per run), BENCH_DEVICES.
import { newId } from '../dist/common/ids.js';
import { decideCapability } from '../dist/licensing/capability.js';
import { featureRecordInputSchema, toFeatureRecord } from '../dist/licensing/feature-record.js';
import { DEFAULT_POLICY } from '../dist/licensing/lease.js';
import { LicenseState } from '../dist/licensing/license-state.js';
import { parseModel } from '../dist/licensing/model-definition/parser.js';
import { validateModel } from '../dist/licensing/model-definition/validate.js';
import { ReservationBook, holderOf } from '../dist/licensing/reservation.js';

const decisions = Number(process.env.BENCH_DECISIONS ?? 200_000);
const devices = Number(process.env.BENCH_DEVICES ?? 2_000);
const now = Date.parse('2026-06-01T00:00:00Z');
const context = { instanceId: 'bench', accountId: null };

const record = (id, name, count, expiry = 'permanent') =>
  toFeatureRecord({ ...featureRecordInputSchema.parse({ name, version: '2.0', count, expiry }), id }, 'bench');
const records = [record('cad-a', 'cad', 3_000), record('cad-b', 'cad', 3_000, '2030-01-01'), record('cam', 'cam', 6_000)];

const MODEL = `model "bench" {
  partitions {
    partition "eng"   { "cad" 2.0 1000  "cam" 2.0 25% }
    partition "build" { "cad" 2.0 500 }
    partition "ops"   { "cam" 2.0 remainder }
  }
  on dictionary("dept":"eng") or hostid("eng-*") { use "eng" max 4 continue }
  on hostname("build-*") { use "build" accept }
  on user(~/^svc-/) and not hosttype("TEST") { use "ops" continue }
  on hosttype("KIOSK") { deny }
}`;

function device(i) {
  const id = `d${i % devices}`;
  const third = i % 3;
  return {
    hostId: { value: third === 0 ? `eng-${id}` : id, type: 'STRING' },
    deviceType: 'UNKNOWN',
    hostType: 'FLX_CLIENT',
    alias: third === 1 ? `build-${id}` : null,
    user: third === 2 ? `svc-${id}` : null,
    vendorDictionary: {},
  };
}

function run(label, setup) {
  const state = new LicenseState();
  state.setRecords(records);
  setup(state);
  const started = performance.now();
  for (let i = 0; i < decisions; i++) {
    const request = {
      device: device(i),
      features: [{ name: i % 2 ? 'cad' : 'cam', version: '1.0', count: 1 + (i % 3) }],
      incremental: false,
      partial: false,
      borrowInterval: null,
      operation: 'request',
      correlationId: null,
    };
    state.apply(decideCapability(state, request, DEFAULT_POLICY, context, { now, newId }).change);
  }
  const perSecond = Math.round(decisions / ((performance.now() - started) / 1000));
  console.log(`${label.padEnd(34)} ${perSecond.toLocaleString('en-US').padStart(9)} decisions/s`);
  return perSecond;
}

const reservationGroups = Array.from({ length: 100 }, (_, g) => ({
  id: `g${g}`,
  name: `group ${g}`,
  createdAt: now,
  reservations: Array.from({ length: 5 }, (_, r) => {
    const hostId = { value: `d${(g * 5 + r) * 3}`, type: 'STRING' };
    return { id: `g${g}r${r}`, hostId, holder: holderOf(hostId), entries: [{ id: `g${g}r${r}e`, feature: 'cad', version: '1.0', count: 2 }] };
  }),
}));

const rounds = 3;
const results = { plain: [], pools: [], reservations: [] };
for (let r = 0; r < rounds; r++) {
  results.plain.push(run('no model, no reservations', () => undefined));
  results.pools.push(run('model: 3 pools, 4 rules', (s) => (s.pools = validateModel(parseModel(MODEL), records, now))));
  results.reservations.push(run('500 reservations in 100 groups', (s) => (s.reservations = new ReservationBook(reservationGroups))));
}
const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
console.log('\nmedians of', rounds, 'runs:', Object.entries(results).map(([k, v]) => `${k} ${median(v).toLocaleString('en-US')}`).join(', '));
