import { hostname, userInfo } from 'node:os';
import type { Command } from 'commander';
import type { CapabilityBody, CapabilityResponse, DeviceIdentity } from '../../client/license-client.js';
import { LicenseClient } from '../../client/license-client.js';
import { TallyError, badField } from '../../common/errors.js';
import { isVersion } from '../../licensing/version.js';
import { withServer } from '../options.js';
import { describeFailure, emit, table } from '../output.js';
import { readText } from './producer.js';

interface ClientOptions {
  server: string;
  instance?: string;
  hostid: string;
  hostidType: string;
  alias?: string;
  user?: string;
  borrow?: string;
  partial?: boolean;
  incremental?: boolean;
  hold?: boolean;
  json?: boolean;
  signKey?: string;
}

/** A client of the server, signing its capability requests when given the client private key. */
function connect(opts: ClientOptions): LicenseClient {
  const instance = opts.instance ? { instance: opts.instance } : {};
  if (!opts.signKey) return new LicenseClient(opts.server, undefined, instance);
  const pem = readText(opts.signKey);
  try {
    return new LicenseClient(opts.server, undefined, { signingKey: pem, ...instance });
  } catch (err) {
    throw new TallyError('BAD_REQUEST', `${opts.signKey} is not a PEM private key: ${(err as Error).message}`, [{ field: '--sign-key', message: 'is not a PEM private key' }]);
  }
}

/** Parses `NAME[:VERSION][=COUNT]`, e.g. `cad`, `cad:2.0`, `cad=3`, `cad:2.0=3`. */
export function parseFeatureSpec(spec: string): { name: string; version: string; count: number } {
  const match = /^([^:=]+)(?::([^=]+))?(?:=(-?\d+))?$/.exec(spec.trim());
  if (!match) throw badField(spec, 'write a feature as NAME[:VERSION][=COUNT], e.g. cad:2.0=3');
  const version = match[2] ?? '1.0';
  if (!isVersion(version)) throw badField(spec, `version ${version} is not an a.b version such as 1.0`);
  return { name: match[1]!, version, count: match[3] === undefined ? 1 : Number(match[3]) };
}

function device(opts: ClientOptions): DeviceIdentity {
  return {
    hostId: { value: opts.hostid, type: opts.hostidType.toUpperCase() },
    alias: opts.alias ?? hostname(),
    user: opts.user ?? safeUser(),
  };
}

function safeUser(): string | null {
  try {
    return userInfo().username;
  } catch {
    return null;
  }
}

/** Prints a capability response: what the device holds, then what was refused. */
export function describeResponse(r: CapabilityResponse): string {
  const rows: string[][] = r.granted.map((g) => [
    'held',
    g.feature,
    g.version,
    `x${g.count}`,
    g.kind,
    g.expires ? `until ${g.expires}` : 'permanent',
    g.renewAt ? `renew at ${g.renewAt}` : '',
    g.overdraft > 0 ? `(${g.overdraft} overdraft)` : '',
  ]);
  for (const d of r.denied) rows.push(['denied', d.feature, d.version, `x${d.count}`, `${d.code} ${d.name}`, d.description, '', '']);
  const lines = rows.length === 0 ? ['The device holds nothing.'] : [table(rows.map((row) => row.filter((c, i) => i < 6 || c !== '')))];
  lines.push(`correlation ID ${r.correlationId}`);
  return lines.join('\n');
}

function withCommon(command: Command): Command {
  return withServer(command)
    .option('--instance <id>', 'a cloud instance of the back office at --server, by its ID (TALLY_INSTANCE)', process.env.TALLY_INSTANCE)
    .option('--hostid <value>', 'the device hostid', hostname())
    .option('--hostid-type <type>', 'ETHERNET, STRING, USER, HOSTNAME, VM_UUID, CONTAINER_ID, ...', 'HOSTNAME')
    .option('--alias <name>', 'device alias shown to administrators (default: host name)')
    .option('--user <name>', 'user name (default: the current user)')
    .option('--sign-key <file>', 'PEM file of the client private key: sign capability requests with it (header x-tally-signature)');
}

/** `tally client`: a reference client of the capability API. */
export function registerClientCommands(program: Command): void {
  const client = program.command('client').description('reference client: request, renew, return and show licenses');

  withCommon(client.command('request <features...>'))
    .description('request features (NAME[:VERSION][=COUNT]); with --hold, keep them renewed until stopped, then return them')
    .option('--borrow <duration>', 'lease length to ask for, e.g. 1h')
    .option('--partial', 'accept fewer counts than asked when not all are free')
    .option('--incremental', 'add to what the device holds instead of replacing it')
    .option('--hold', 'stay running, renew at the renew interval, return everything on Ctrl-C')
    .action(async (specs: string[], opts: ClientOptions) => {
      const api = connect(opts);
      const body: CapabilityBody = {
        device: device(opts),
        features: specs.map(parseFeatureSpec),
        incremental: opts.incremental ?? false,
        partial: opts.partial ?? false,
        ...(opts.borrow ? { borrowInterval: opts.borrow } : {}),
      };
      const first = await api.capability(body);
      emit(opts.json ?? false, first, () => describeResponse(first));
      if (opts.hold) await hold(api, { ...body, incremental: false, features: heldFeatures(first, body.features ?? []) }, first, opts);
      else if (first.denied.length > 0) process.exitCode = 3;
    });

  withCommon(client.command('renew [features...]'))
    .description('renew leases: the named features, or everything the device holds')
    .option('--borrow <duration>', 'lease length to ask for, e.g. 1h')
    .action(async (specs: string[], opts: ClientOptions) => {
      const api = connect(opts);
      const features = specs.length > 0 ? specs.map(parseFeatureSpec) : await currentFeatures(api, opts);
      const r = await api.capability({ device: device(opts), features, ...(opts.borrow ? { borrowInterval: opts.borrow } : {}) });
      emit(opts.json ?? false, r, () => describeResponse(r));
      if (r.denied.length > 0) process.exitCode = 3;
    });

  withCommon(client.command('return [features...]'))
    .description('give back the named features (NAME), or everything the device holds')
    .action(async (names: string[], opts: ClientOptions) => {
      const api = connect(opts);
      const held = await currentFeatures(api, opts);
      const wanted = names.length > 0 ? held.filter((f) => names.map((n) => parseFeatureSpec(n).name).includes(f.name)) : held;
      const r = await api.capability({ device: device(opts), incremental: true, features: wanted.map((f) => ({ ...f, count: -f.count })) });
      emit(opts.json ?? false, r, () => describeResponse(r));
    });

  withCommon(client.command('status'))
    .description('show what the device holds')
    .action(async (opts: ClientOptions) => {
      const r = await connect(opts).capability({ device: device(opts) });
      emit(opts.json ?? false, r, () => describeResponse(r));
    });
}

/** Returnable features the device holds, one line per feature name at its lowest held version. */
async function currentFeatures(api: LicenseClient, opts: ClientOptions) {
  const status = await api.capability({ device: device(opts) });
  return heldFeatures(status, []);
}

function heldFeatures(r: CapabilityResponse, asked: Array<{ name: string; version: string; count: number }>) {
  const byName = new Map<string, { name: string; version: string; count: number }>();
  for (const g of r.granted) {
    if (g.kind === 'consumption') continue;
    const version = asked.find((a) => a.name === g.feature)?.version ?? g.version;
    const line = byName.get(g.feature) ?? { name: g.feature, version, count: 0 };
    line.count += g.count;
    byName.set(g.feature, line);
  }
  return [...byName.values()];
}

/** Keeps the leases renewed until a signal, then returns them. */
async function hold(api: LicenseClient, renewal: CapabilityBody, first: CapabilityResponse, opts: ClientOptions): Promise<void> {
  let last = first;
  let stopping = false;
  let wake: (() => void) | undefined;
  const stop = () => {
    stopping = true;
    wake?.();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  let failures = 0;
  while (!stopping) {
    const renewAts = last.granted.map((g) => (g.renewAt ? Date.parse(g.renewAt) : Number.POSITIVE_INFINITY));
    const due = Math.min(...renewAts, Date.now() + 3_600_000);
    const backoff = failures === 0 ? 0 : Math.min(60_000, 1000 * 2 ** failures);
    const delay = Math.max(1000, failures > 0 ? backoff : due - Date.now());
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, delay);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    if (stopping) break;
    try {
      last = await api.capability(renewal);
      failures = 0;
      if (!opts.json) process.stderr.write(`renewed at ${last.serverTime}\n`);
      if (last.denied.length > 0) emit(opts.json ?? false, last, () => describeResponse(last));
    } catch (error) {
      failures += 1;
      process.stderr.write(`${describeFailure(error)} (retrying)\n`);
    }
  }
  const features = heldFeatures(last, renewal.features ?? []);
  if (features.length > 0) {
    const r = await api.capability({ device: renewal.device, incremental: true, features: features.map((f) => ({ ...f, count: -f.count })) });
    emit(opts.json ?? false, r, () => `returned: ${features.map((f) => `${f.name} x${f.count}`).join(', ')}`);
  }
}
