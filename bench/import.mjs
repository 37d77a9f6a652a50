// npm run bench:import -- [--mb 1024] [--file PATH] [--no-ingest] [--keep]
// Generates a realistic FlexLM debug log of about --mb megabytes (1 GB by default): lmgrd and
// two vendor daemons over many months, TIMESTAMP lines every six hours, OUT/IN pairs of 3,000
// users on 40 features (counts, checkout data, names with spaces), denials with their reasons,
// a third of the lines in all (the public samples have a tenth),
// UNSUPPORTED probes, SLOG statistics blocks, restarts and free-text noise. Then it times the
// import twice: parsing alone (events made and dropped) and parse + ingest into a fresh
// warehouse through the back office's ingest code. --file times an existing log instead.
import { closeSync, createReadStream, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestBatch } from '../dist/backoffice/ingest/sync-batch.js';
import { InstanceRegistry } from '../dist/backoffice/instances/instance-registry.js';
import { openBackofficeDb } from '../dist/backoffice/store/db.js';
import { systemClock } from '../dist/common/time.js';
import { parseCapacities } from '../dist/importers/imported-event.js';
import { runImport } from '../dist/importers/import-run.js';
import { DuckDbWarehouse } from '../dist/warehouse/duckdb/duckdb-warehouse.js';
import { seededRandom } from '../test/support/random.mjs';

const flag = (name) => process.argv.includes(`--${name}`);
const value = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const targetBytes = Number(value('mb', 1024)) * 1024 * 1024;
const dir = mkdtempSync(join(tmpdir(), 'tally-bench-import-'));

const { next: random, pick } = seededRandom(11);

const FEATURES = Array.from({ length: 40 }, (_, i) => (i % 3 === 0 ? `${86000 + i * 17}CAD_2024_0F` : i % 3 === 1 ? `solver_${i}` : `viewer${i}`));
const FIRST = ['ann', 'bob', 'carla', 'dmitri', 'eva', 'farid', 'gina', 'hugo', 'ines', 'jon', 'kai', 'lena', 'María José', 'noah', 'olga'];
const USERS = Array.from({ length: 3000 }, (_, i) => (i % 97 === 0 ? `${pick(FIRST)} ${i}` : `${pick(FIRST).replace(' ', '')}${i}`));
const HOSTS = Array.from({ length: 1200 }, (_, i) => (i % 5 === 0 ? `DESKTOP-${(i * 7919).toString(36).toUpperCase()}` : `ws${i}.eng.example.com`));
const DAEMONS = ['cadd', 'simd'];
const REASONS = [
  'Licensed number of users already reached. (-4,342)',
  'Licensed number of users already reached. (-4,342:10054 "")',
  'User/host on EXCLUDE list for feature. (-38,147)',
  'Feature has expired. (-10,0)',
  'Checkout exceeds MAX specified in options file. (-87,147)',
];

function clock(secs) {
  const h = Math.floor(secs / 3600);
  const m = Math.floor(secs / 60) % 60;
  const s = secs % 60;
  return `${h < 10 ? ' ' : ''}${h}:${m < 10 ? '0' : ''}${m}:${s < 10 ? '0' : ''}${s}`;
}

function generate(file) {
  const fd = openSync(file, 'w');
  let buffer = [];
  let size = 0;
  let written = 0;
  let lines = 0;
  const put = (line) => {
    buffer.push(line);
    size += line.length + 1;
    lines++;
    if (size > 8 << 20) flush();
  };
  const flush = () => {
    written += writeSync(fd, buffer.join('\n') + '\n');
    buffer = [];
    size = 0;
  };
  let day = Date.UTC(2022, 0, 3) / 86_400_000;
  const open = DAEMONS.map(() => []);
  const date = (d) => {
    const t = new Date(d * 86_400_000);
    return `${t.getUTCMonth() + 1}/${t.getUTCDate()}/${t.getUTCFullYear()}`;
  };
  const banner = (secs) => {
    const t = clock(secs);
    put(`${t} (lmgrd) -----------------------------------------------`);
    put(`${t} (lmgrd)   Please Note:`);
    put(`${t} (lmgrd)   This log is intended for debug purposes only.`);
    put(`${t} (lmgrd) FlexNet Licensing (v11.19.4.0 build 305436 x64_lsb) started on lic1 (linux) (${date(day)})`);
    put(`${t} (lmgrd) License file(s): /opt/flexlm/license.dat`);
    for (const d of DAEMONS) {
      put(`${t} (lmgrd) Started ${d} (internet tcp_port 2${d.length}00 pid ${4000 + d.length})`);
      put(`${t} (${d}) FlexNet Licensing version v11.19.4.0 build 305436 x64_lsb`);
      put(`${t} (${d}) Server started on lic1 for:\t${FEATURES.slice(0, 6).join('\t')}`);
      put(`${t} (${d}) EXTERNAL FILTERS are OFF`);
    }
    for (const o of open) o.length = 0;
  };
  banner(6 * 3600);
  while (written + size < targetBytes) {
    // About 24,000 lines a day, busier in working hours.
    let secs = 0;
    let nextStamp = 3600 * (1 + (day % 5));
    while (secs < 86_399) {
      const hour = Math.floor(secs / 3600);
      secs += Math.max(1, Math.round(random() * (hour >= 8 && hour < 19 ? 4 : 12)));
      if (secs >= 86_400) break;
      const t = clock(secs);
      if (secs >= nextStamp) {
        put(`${t} (lmgrd) TIMESTAMP ${date(day)}`);
        for (const d of DAEMONS) put(`${t} (${d}) TIMESTAMP ${date(day)}`);
        nextStamp += 6 * 3600;
        continue;
      }
      const k = random() < 0.7 ? 0 : 1;
      const d = DAEMONS[k];
      const held = open[k];
      const roll = random();
      // Usage lines are a minority in real logs (a tenth in the public samples, the rest SLOG
      // blocks, TIMESTAMPs and messages); a third here.
      if (roll < 0.15 || held.length < 20) {
        const user = pick(USERS);
        const host = pick(HOSTS);
        const feature = FEATURES[Math.floor(random() ** 2 * FEATURES.length)];
        const count = random() < 0.1 ? ` (${2 + Math.floor(random() * 8)} licenses)` : '';
        const cd = random() < 0.05 ? ` [MSCONE:${feature}]` : '';
        const rest = `"${feature}" ${user}@${host}${cd}${count}`;
        held.push(rest);
        put(`${t} (${d}) OUT: ${rest}  `);
      } else if (roll < 0.3) {
        const i = Math.floor(random() * held.length);
        const rest = held[i];
        held[i] = held[held.length - 1];
        held.pop();
        put(`${t} (${d}) IN: ${rest}${random() < 0.05 ? ' (INACTIVE)' : ''}  `);
      } else if (roll < 0.32) {
        put(`${t} (${d}) DENIED: "${pick(FEATURES)}" ${pick(USERS)}@${pick(HOSTS)}  (${pick(REASONS)})`);
      } else if (roll < 0.33) {
        put(`${t} (${d}) UNSUPPORTED: "probe_${Math.floor(random() * 9)}" (PORT_AT_HOST_PLUS   ) ${pick(USERS)}@${pick(HOSTS)}  (License server system does not support this feature. (-18,327))`);
      } else if (roll < 0.97) {
        put(`${t} (${d}) (@${d}-SLOG@) ${pick(['Statistics Log Frequency is 240 minute(s).', 'TLS is OFF', '00000047 ms at 17:22:39(4/1/2022),#7,(4528K),(user,node,FD)', 'Total number of connections is 41', '==============================================='])}`);
      } else {
        put(`${t} (${d}) ${pick(['TCP_NODELAY NOT enabled', 'Lost connection to ws12 (Connection reset by peer)', 'SERVER-OUT: Failed to send the message(71) <END>'])}`);
      }
    }
    day += 1;
    if (day % 45 === 0) banner(3 * 3600 + 17);
  }
  flush();
  closeSync(fd);
  return { lines };
}

const fmt = (n) => Math.round(n).toLocaleString('en-US');

async function timeImport(file, store) {
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const summary = await runImport([{ name: 'bench.log', chunks: createReadStream(file, { highWaterMark: 4 << 20 }) }], {
    format: 'flexlm',
    instanceId: 'bench-1',
    accountId: 'bench',
    timeZone: 'Europe/Berlin',
    capacities: parseCapacities([]),
    store,
  });
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const events = Object.values(summary.eventsByKind).reduce((a, b) => a + b, 0);
  // This process's CPU time (DuckDB's threads included): on a shared machine it is steadier than wall time.
  return { seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, lines: summary.lines, bytes: summary.bytes, events, summary };
}

try {
  let file = value('file', null);
  if (!file) {
    file = join(dir, 'debug.log');
    const started = performance.now();
    const { lines } = generate(file);
    console.log(`generated ${file}: ${fmt(statSync(file).size / 1024 / 1024)} MB, ${fmt(lines)} lines in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  const mb = statSync(file).size / 1024 / 1024;
  console.log(`load average ${(await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ')} on ${(await import('node:os')).cpus().length} cores`);

  const parse = await timeImport(file, async (events) => ({ accepted: events.length, duplicates: 0 }));
  console.log(`parse only:     ${parse.seconds.toFixed(1)} s, ${fmt(parse.lines / parse.seconds)} lines/s, ${(mb / parse.seconds).toFixed(1)} MB/s, ${fmt(parse.events)} events (${fmt(parse.events / parse.seconds)} events/s); ${parse.cpuSeconds.toFixed(1)} CPU s, ${fmt(parse.lines / parse.cpuSeconds)} lines per CPU s`);
  console.log(`                events by kind ${JSON.stringify(parse.summary.eventsByKind)}; skipped ${JSON.stringify(Object.fromEntries(Object.entries(parse.summary.skipped).map(([k, v]) => [k, v.count])))}`);

  if (!flag('no-ingest')) {
    const data = join(dir, 'data');
    const db = openBackofficeDb(data);
    const registry = new InstanceRegistry(db, systemClock);
    registry.addAccount({ id: 'bench', name: 'Bench' });
    const { instance } = registry.addInstance({ accountId: 'bench', name: 'bench', id: 'bench-1' });
    const warehouse = await DuckDbWarehouse.open(join(data, 'warehouse.duckdb'));
    const full = await timeImport(file, (events) => ingestBatch({ instanceId: instance.id, events }, instance, warehouse));
    console.log(`parse + ingest: ${full.seconds.toFixed(1)} s, ${fmt(full.lines / full.seconds)} lines/s, ${(mb / full.seconds).toFixed(1)} MB/s, ${fmt(full.summary.stored)} events stored (${fmt(full.summary.stored / full.seconds)} events/s); ${full.cpuSeconds.toFixed(1)} CPU s`);
    await warehouse.close();
    db.close();
  }
} finally {
  if (!flag('keep')) rmSync(dir, { recursive: true, force: true });
  else console.log(`kept ${dir}`);
}
