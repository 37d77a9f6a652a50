import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { InstanceRegistry } from '../../backoffice/instances/instance-registry.js';
import { openBackofficeDb } from '../../backoffice/store/db.js';
import type { Monitor } from '../../backoffice/monitors/monitor-registry.js';
import { LicenseClient } from '../../client/license-client.js';
import { loadSettings } from '../../common/config.js';
import { TallyError } from '../../common/errors.js';
import { systemClock } from '../../common/time.js';
import { parseCapacities } from '../../importers/imported-event.js';
import type { MonitorState, MonitorStatus } from '../../importers/monitor/license-monitor.js';
import { INITIAL_STATUS, LicenseMonitor } from '../../importers/monitor/license-monitor.js';
import { commandSource, restSource } from '../../importers/monitor/snapshot-sources.js';
import { WallClock } from '../../importers/wall-clock.js';
import { stopOnSignals } from '../options.js';
import { emit, table } from '../output.js';
import { tokenFor } from '../sessions.js';
import { withZoneAndCapacity } from './import.js';

interface SourceOptions {
  instance: string;
  command?: string;
  url?: string;
  token?: string;
  interval: string;
  timeout: string;
  timezone: string;
  capacity: string[];
  json?: boolean;
}

function seconds(text: string, name: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new TallyError('BAD_REQUEST', `--${name} must be a whole number of seconds.`);
  return n;
}

function withSource(command: Command): Command {
  return withZoneAndCapacity(command, 'status')
    .requiredOption('-i, --instance <id>', 'the instance the usage belongs to')
    .option('--command <cmd>', 'a status command whose output is lmstat -a (e.g. "lmutil lmstat -a -c 27000@lic1")')
    .option('--url <url>', 'a Tally or FlexNet Embedded style license server to poll over REST')
    .option('--token <token>', 'bearer token for the REST server (a read-only user)')
    .option('--interval <seconds>', 'seconds between polls', '60')
    .option('--timeout <seconds>', 'a poll not answered within this marks the server down', '30');
}

function checkSource(opts: SourceOptions): void {
  if (!opts.command === !opts.url) throw new TallyError('BAD_REQUEST', 'Give either --command or --url.');
}

function describeStatus(s: MonitorStatus): string {
  if (s.state === 'down') return `down since ${s.downSince} (last seen ${s.lastSeenAt ?? 'never'}): ${s.lastError}`;
  return `${s.state} at ${s.lastPollAt ?? '-'}, ${s.eventsStored} events stored`;
}

/** `tally monitor`: poll license servers Tally does not run, here or in a back office. */
export function registerMonitorCommands(program: Command): void {
  const monitor = program.command('monitor').description('remote monitoring: poll a license server at an interval (status command or REST) into usage events');

  withSource(monitor.command('run'))
    .description('poll from this process into a back office data folder (the back office must not be running on it)')
    .option('-d, --data <dir>', 'back office data folder')
    .option('-c, --config <file>', 'JSON config file')
    .option('--state <file>', 'where the last snapshot is kept between runs (default: in the data folder)')
    .option('--once', 'poll once and exit')
    .option('--json', 'print JSON')
    .action(async (opts: SourceOptions & { data?: string; config?: string; state?: string; once?: boolean }) => {
      checkSource(opts);
      const interval = seconds(opts.interval, 'interval');
      const timeoutMs = seconds(opts.timeout, 'timeout') * 1000;
      const settings = loadSettings({ file: opts.config, overrides: { 'backoffice.dataDir': opts.data } });
      const dataDir = settings.backoffice.dataDir;
      // Loaded here: the warehouse and the event checks take a while to load, and other commands need neither.
      const [{ DuckDbWarehouse }, { ingestBatch }] = await Promise.all([import('../../warehouse/duckdb/duckdb-warehouse.js'), import('../../backoffice/ingest/sync-batch.js')]);
      const db = openBackofficeDb(dataDir);
      const instance = new InstanceRegistry(db, systemClock).instance(opts.instance);
      const warehouse = await DuckDbWarehouse.open(join(dataDir, 'warehouse.duckdb'));
      const stateFile = opts.state ?? join(dataDir, `monitor-${opts.instance}.json`);
      const clock = new WallClock(opts.timezone);
      const source = opts.command ? commandSource(opts.command, clock, timeoutMs) : restSource(opts.url!, opts.token ?? null, timeoutMs);
      const licenseMonitor = new LicenseMonitor(
        { instanceId: instance.id, accountId: instance.accountId, source: opts.command ? 'lmstat' : 'server', timeZone: clock.timeZone, capacities: parseCapacities(opts.capacity) },
        source,
        { load: () => loadState(stateFile), save: (state) => saveState(stateFile, state) },
        (events) => ingestBatch({ instanceId: instance.id, events }, instance, warehouse),
      );
      const close = async () => {
        await warehouse.close();
        db.close();
      };
      const pollAndPrint = async () => {
        const status = await licenseMonitor.poll();
        emit(opts.json ?? false, status, () => describeStatus(status));
      };
      if (opts.once) {
        try {
          await pollAndPrint();
        } finally {
          await close();
        }
        return;
      }
      let timer: NodeJS.Timeout | undefined;
      let polling: Promise<void> = Promise.resolve();
      stopOnSignals(async () => {
        clearTimeout(timer);
        await polling;
        await close();
      });
      const loop = () => {
        polling = pollAndPrint().catch((error: unknown) => {
          process.stderr.write(`poll failed: ${error instanceof Error ? error.message : String(error)}\n`);
        });
        void polling.then(() => (timer = setTimeout(loop, interval * 1000)));
      };
      loop();
    });

  const remote = (command: Command) => command.requiredOption('--backoffice <url>', 'back office URL (log in first with `tally admin login --server URL`)').option('--json', 'print JSON');
  const client = (url: string) => new LicenseClient(url, tokenFor(url));
  const BASE = '/api/1.0/backoffice/monitors';

  remote(withSource(monitor.command('add')))
    .description('add a monitor that runs inside a back office')
    .action(async (opts: SourceOptions & { backoffice: string }) => {
      checkSource(opts);
      const body = {
        instanceId: opts.instance,
        kind: opts.command ? 'command' : 'rest',
        ...(opts.command ? { command: opts.command } : { url: opts.url }),
        ...(opts.token ? { token: opts.token } : {}),
        intervalSeconds: seconds(opts.interval, 'interval'),
        timeoutSeconds: seconds(opts.timeout, 'timeout'),
        timezone: opts.timezone,
        capacity: opts.capacity,
      };
      const m = await client(opts.backoffice).call<Monitor>('POST', BASE, body);
      emit(opts.json ?? false, m, () => `Added monitor ${m.id} of instance ${m.instanceId} (${m.kind}: ${m.target}), every ${m.intervalSeconds} s.`);
    });

  remote(monitor.command('list'))
    .description("list a back office's monitors and their status")
    .action(async (opts: { backoffice: string; json?: boolean }) => {
      const r = await client(opts.backoffice).call<{ items: Monitor[] }>('GET', BASE);
      emit(opts.json ?? false, r, () => table([['MONITOR', 'INSTANCE', 'KIND', 'EVERY', 'STATUS'], ...r.items.map((m) => [m.id, m.instanceId, m.kind, `${m.intervalSeconds}s`, describeStatus(m.status)])]));
    });

  remote(monitor.command('poll <id>'))
    .description('poll now and show the status')
    .action(async (id: string, opts: { backoffice: string; json?: boolean }) => {
      const s = await client(opts.backoffice).call<MonitorStatus>('POST', `${BASE}/${encodeURIComponent(id)}/poll`);
      emit(opts.json ?? false, s, () => describeStatus(s));
    });

  remote(monitor.command('remove <id>'))
    .description('remove a monitor (the events it stored stay)')
    .action(async (id: string, opts: { backoffice: string; json?: boolean }) => {
      await client(opts.backoffice).call('DELETE', `${BASE}/${encodeURIComponent(id)}`);
      emit(opts.json ?? false, { removed: id }, () => `Removed monitor ${id}.`);
    });
}

function loadState(file: string): MonitorState {
  if (!existsSync(file)) return { status: INITIAL_STATUS, snapshot: null };
  return JSON.parse(readFileSync(file, 'utf8')) as MonitorState;
}

/** Written whole and renamed into place: a crash leaves the old state or the new, never half. */
function saveState(file: string, state: MonitorState): void {
  writeFileSync(`${file}.tmp`, JSON.stringify(state), { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}
