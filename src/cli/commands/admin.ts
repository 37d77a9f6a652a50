import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { UserView } from '../../auth/admin-security.js';
import { ApiError, LicenseClient } from '../../client/license-client.js';
import { TallyError } from '../../common/errors.js';
import { PROPERTY_GROUPS, SETTING_LIST } from '../../common/settings.js';
import type { Page } from '../../http/paging.js';
import type { PropertyView } from '../../server/properties/property-service.js';
import type { ClientKeyView, UploadedClientKey } from '../../server/client-key.js';
import { withServer } from '../options.js';
import { emit, table } from '../output.js';
import { readSecret } from '../secrets.js';
import { saveToken, tokenFor } from '../sessions.js';
import { registerAllocationCommands } from './pools.js';
import { registerFilterCommands } from './filters.js';
import { registerLicenseUpdateCommands } from './license-updates.js';
import { readJson } from './producer.js';

/** Properties whose value is a list: written comma-separated on the command line. */
const LIST_PROPERTIES = new Set(SETTING_LIST.filter((s) => s.property && s.type === 'list').map((s) => s.property?.key ?? s.path));

interface AdminOptions {
  server: string;
  json?: boolean;
}

const BASE = '/api/1.0/instances/~';
const api = (opts: AdminOptions) => new LicenseClient(opts.server, tokenFor(opts.server));
const qs = (params: Record<string, string | number | undefined>) => {
  const entries = Object.entries(params).filter(([, v]) => v !== undefined) as Array<[string, string]>;
  return entries.length === 0 ? '' : `?${new URLSearchParams(entries).toString()}`;
};
/** One table cell: lists comma-separated, objects as JSON, nothing for null. */
function show(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.join(',');
  if (typeof v === 'object') return JSON.stringify(v);
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function pageFooter(p: Page<unknown>): string {
  return `${p.items.length} of ${p.total} (page ${p.page}, ${p.pageSize} a page)`;
}

function withPaging(command: Command): Command {
  return withServer(command).option('--page <n>', 'page, from 1', '1').option('--page-size <n>', 'rows a page (max 1000)', '50');
}

/** `tally admin`: administration of a license server over its admin API. */
export function registerAdminCommands(program: Command): void {
  const admin = program.command('admin').description('administer a license server (log in first)');

  withServer(admin.command('login'))
    .description('log in and keep the session token for later admin commands')
    .requiredOption('-u, --user <name>', 'user name')
    .option('--password-stdin', 'read the password from standard input (else TALLY_PASSWORD, else a prompt)')
    .action(async (opts: AdminOptions & { user: string }) => {
      const password = await readSecret('Password: ', 'TALLY_PASSWORD', 0);
      const client = new LicenseClient(opts.server);
      try {
        const result = await client.call<{ token: string; role: string }>('POST', `${BASE}/authorize`, { user: opts.user, password });
        saveToken(opts.server, result.token);
        emit(opts.json ?? false, { user: opts.user, role: result.role }, () => `Logged in to ${opts.server} as ${opts.user} (${result.role}).`);
      } catch (error) {
        if (error instanceof ApiError && error.body?.error.code === 'PASSWORD_CHANGE_REQUIRED') {
          throw new TallyError('PASSWORD_CHANGE_REQUIRED', `The password of ${opts.user} was set for you: run \`tally admin reset-password --user ${opts.user}\` to choose your own.`);
        }
        throw error;
      }
    });

  withServer(admin.command('reset-password'))
    .description('first login or after a reset: give the current password and choose a new one (logs in)')
    .requiredOption('-u, --user <name>', 'user name')
    .action(async (opts: AdminOptions & { user: string }) => {
      const currentPassword = await readSecret('Current password: ', 'TALLY_PASSWORD', 0);
      const newPassword = await readSecret('New password: ', 'TALLY_NEW_PASSWORD', 1);
      const result = await new LicenseClient(opts.server).call<{ token: string; role: string }>('POST', `${BASE}/reset-password`, { user: opts.user, currentPassword, newPassword });
      saveToken(opts.server, result.token);
      emit(opts.json ?? false, { user: opts.user, role: result.role }, () => `Password changed; logged in to ${opts.server} as ${opts.user} (${result.role}).`);
    });

  withServer(admin.command('password'))
    .description('change your own password (while logged in)')
    .action(async (opts: AdminOptions) => {
      const newPassword = await readSecret('New password: ', 'TALLY_NEW_PASSWORD', 0);
      await api(opts).call('PUT', `${BASE}/users/me/password`, { newPassword });
      emit(opts.json ?? false, { changed: true }, () => 'Password changed; your other sessions were ended.');
    });

  withServer(admin.command('logout'))
    .description('end the session')
    .action(async (opts: AdminOptions) => {
      await api(opts).call('POST', `${BASE}/logout`);
      emit(opts.json ?? false, { loggedOut: true }, () => 'Logged out.');
    });

  registerUserCommands(admin);
  registerPropertyCommands(admin);
  registerInventoryCommands(admin);
  registerLicenseCommands(admin);
  registerLicenseUpdateCommands(admin);
  registerAllocationCommands(admin);
  registerFilterCommands(admin);
  registerClientKeyCommands(admin);
}

function registerUserCommands(admin: Command): void {
  const users = admin.command('users').description('administrative users and their roles (admin, read-only, reservations; on a back office also account-viewer)');
  const roleOf = (u: UserView) => (u.account ? `${u.role} of ${u.account}` : u.role);
  const userRows = (list: UserView[]) =>
    table([['USER', 'ROLE', 'STATUS', 'CREATED'], ...list.map((u) => [u.name, roleOf(u), u.locked ? 'locked' : u.mustChangePassword ? 'must change password' : 'active', u.createdAt])]);
  const oneTime = (r: { user: UserView; oneTimePassword: string }) =>
    `${r.user.name} (${roleOf(r.user)}) one-time password: ${r.oneTimePassword}\nIt is shown once; the user must change it at first login (tally admin reset-password).`;

  withPaging(users.command('list'))
    .description('list users')
    .action(async (opts: AdminOptions & { page: string; pageSize: string }) => {
      const r = await api(opts).call<Page<UserView>>('GET', `${BASE}/users${qs({ page: opts.page, pageSize: opts.pageSize })}`);
      emit(opts.json ?? false, r, () => `${userRows(r.items)}\n${pageFooter(r)}`);
    });

  withServer(users.command('add <name>'))
    .description('add a user; prints its one-time password once')
    .option('--role <role>', 'admin, read-only or reservations; on a back office also account-viewer', 'read-only')
    .option('--account <id>', 'account-viewer only: the one account whose usage report it sees')
    .action(async (name: string, opts: AdminOptions & { role: string; account?: string }) => {
      const r = await api(opts).call<{ user: UserView; oneTimePassword: string }>('POST', `${BASE}/users`, { name, role: opts.role, ...(opts.account === undefined ? {} : { account: opts.account }) });
      emit(opts.json ?? false, r, () => oneTime(r));
    });

  withServer(users.command('role <name> <role>'))
    .description("change a user's role")
    .option('--account <id>', 'account-viewer only: the one account whose usage report it sees')
    .action(async (name: string, role: string, opts: AdminOptions & { account?: string }) => {
      const r = await api(opts).call<UserView>('PATCH', `${BASE}/users/${encodeURIComponent(name)}`, { role, ...(opts.account === undefined ? {} : { account: opts.account }) });
      emit(opts.json ?? false, r, () => `${r.name} is now ${roleOf(r)}.`);
    });

  withServer(users.command('reset <name>'))
    .description('give a user a new one-time password (also unlocks it and ends its sessions)')
    .action(async (name: string, opts: AdminOptions) => {
      const r = await api(opts).call<{ user: UserView; oneTimePassword: string }>('POST', `${BASE}/users/${encodeURIComponent(name)}/reset`);
      emit(opts.json ?? false, r, () => oneTime(r));
    });

  withServer(users.command('remove <name>'))
    .description('delete a user')
    .action(async (name: string, opts: AdminOptions) => {
      await api(opts).call('DELETE', `${BASE}/users/${encodeURIComponent(name)}`);
      emit(opts.json ?? false, { removed: name }, () => `Removed user ${name}.`);
    });
}

function registerPropertyCommands(admin: Command): void {
  const properties = admin.command('properties').description('policy settings of the server');
  const rows = (list: PropertyView[]) =>
    table([['PROPERTY', 'GROUP', 'VALUE', 'DEFAULT', 'CHANGE'], ...list.map((p) => [p.key, p.group, show(p.value), show(p.default), p.editable ? 'editable' : `locked (${p.lockedBy})`])]);

  withServer(properties.command('get [key]'))
    .description('show every property, a group of them, or one')
    .option('--group <group>', Object.keys(PROPERTY_GROUPS).join(', '))
    .action(async (key: string | undefined, opts: AdminOptions & { group?: string }) => {
      if (key) {
        const p = await api(opts).call<PropertyView>('GET', `${BASE}/properties/${encodeURIComponent(key)}`);
        emit(opts.json ?? false, p, () => `${rows([p])}\n${p.description}`);
        return;
      }
      const r = await api(opts).call<{ properties: PropertyView[] }>('GET', `${BASE}/properties${qs({ group: opts.group })}`);
      emit(opts.json ?? false, r, () => rows(r.properties));
    });

  withServer(properties.command('set <assignments...>'))
    .description('change properties, all or nothing: KEY=VALUE ... (lists comma-separated)')
    .action(async (assignments: string[], opts: AdminOptions) => {
      const body: Record<string, unknown> = {};
      for (const a of assignments) {
        const at = a.indexOf('=');
        if (at < 1) throw new TallyError('BAD_REQUEST', `${a}: write KEY=VALUE, e.g. licensing.renewInterval=20`);
        const key = a.slice(0, at);
        const value = a.slice(at + 1);
        body[key] = LIST_PROPERTIES.has(key) ? value.split(',').map((s) => s.trim()).filter(Boolean) : value;
      }
      const r = await api(opts).call<{ changed: PropertyView[] }>('PUT', `${BASE}/properties`, body);
      emit(opts.json ?? false, r, () => rows(r.changed));
    });

  withServer(properties.command('reset <key>'))
    .description('drop the value set here: the configured one applies again')
    .action(async (key: string, opts: AdminOptions) => {
      const p = await api(opts).call<PropertyView>('DELETE', `${BASE}/properties/${encodeURIComponent(key)}`);
      emit(opts.json ?? false, p, () => rows([p]));
    });
}

function registerInventoryCommands(admin: Command): void {
  withPaging(admin.command('features [recordId]'))
    .description('feature records (or --summary per name and version); with a record ID, its details and served devices')
    .option('--summary', 'sum records per feature name and version')
    .option('--name <feature>', 'only this feature (exact name)')
    .action(async (recordId: string | undefined, opts: AdminOptions & { summary?: boolean; name?: string; page: string; pageSize: string }) => {
      const client = api(opts);
      if (recordId) {
        const r = await client.call<Record<string, unknown> & { servedDevices: Array<Record<string, unknown>> }>('GET', `${BASE}/features/${encodeURIComponent(recordId)}`);
        emit(opts.json ?? false, r, () => {
          const fields = Object.entries(r).filter(([k]) => k !== 'servedDevices').map(([k, v]) => [k, typeof v === 'object' && v !== null ? JSON.stringify(v) : show(v)]);
          const devices = r.servedDevices.map((d) => [show(d.deviceId), show(d.deviceIdType), show(d.deviceType), show(d.alias), show(d.count), show(d.expiry)]);
          return `${table(fields)}\n\nSERVED DEVICES\n${devices.length ? table([['DEVICE', 'ID TYPE', 'DEVICE TYPE', 'ALIAS', 'COUNT', 'EXPIRY'], ...devices]) : 'none'}`;
        });
        return;
      }
      const query = qs({ name: opts.name, page: opts.page, pageSize: opts.pageSize });
      if (opts.summary) {
        const r = await client.call<Page<Record<string, unknown>>>('GET', `${BASE}/features/summaries${query}`);
        emit(opts.json ?? false, r, () =>
          `${table([['FEATURE', 'VERSION', 'COUNT', 'USED', 'AVAILABLE', 'FIRST EXPIRY', 'LAST EXPIRY', 'OVERDRAFT', 'METERED', 'COUNTED'], ...r.items.map((s) => [s.feature, s.version, s.totalCount, s.totalUsed, s.totalAvailable ?? 'unlimited', s.firstExpiration, s.lastExpiration, s.totalOverdraft, s.metered, s.counted].map(show))])}\n${pageFooter(r)}`,
        );
        return;
      }
      const r = await client.call<Page<Record<string, unknown>>>('GET', `${BASE}/features${query}`);
      emit(opts.json ?? false, r, () =>
        `${table([['RECORD', 'FEATURE', 'VERSION', 'COUNT', 'USED', 'AVAILABLE', 'START', 'EXPIRY', 'MODEL', 'PRODUCT', 'ACTIVATION'], ...r.items.map((f) => [f.id, f.feature, f.version, f.count, f.used, f.available ?? 'unlimited', f.start ?? '', f.expiry, f.model, f.productName, f.activationId].map(show))])}\n${pageFooter(r)}`,
      );
    });

  withPaging(admin.command('devices [device]'))
    .description('devices served; with TYPE:ID (e.g. ETHERNET:7200014F5DF0), one device and what it holds')
    .option('--holding', 'only devices that hold counts now')
    .action(async (device: string | undefined, opts: AdminOptions & { holding?: boolean; page: string; pageSize: string }) => {
      const client = api(opts);
      if (device) {
        const at = device.indexOf(':');
        if (at < 1) throw new TallyError('BAD_REQUEST', `${device}: write the device as TYPE:ID, e.g. STRING:build-07`);
        const r = await client.call<Record<string, unknown> & { consumedFeatures: Array<Record<string, unknown>> }>('GET', `${BASE}/devices/${encodeURIComponent(device.slice(0, at))}/${encodeURIComponent(device.slice(at + 1))}`);
        emit(opts.json ?? false, r, () => {
          const fields = Object.entries(r).filter(([k]) => k !== 'consumedFeatures').map(([k, v]) => [k, typeof v === 'object' && v !== null ? JSON.stringify(v) : show(v)]);
          const held = r.consumedFeatures.map((h) => [h.feature, h.version, h.count, h.kind, h.expiry, h.recordExpiry].map(show));
          return `${table(fields)}\n\nCONSUMED FEATURES\n${held.length ? table([['FEATURE', 'VERSION', 'COUNT', 'KIND', 'EXPIRY', 'RECORD EXPIRY'], ...held]) : 'none'}`;
        });
        return;
      }
      const r = await client.call<Page<Record<string, unknown>>>('GET', `${BASE}/devices${qs({ page: opts.page, pageSize: opts.pageSize, holding: opts.holding ? 'true' : undefined })}`);
      emit(opts.json ?? false, r, () =>
        `${table([['DEVICE', 'ID TYPE', 'DEVICE TYPE', 'ALIAS', 'USER', 'HELD', 'DEVICE EXPIRY'], ...r.items.map((d) => [d.deviceId, d.deviceIdType, d.deviceType, d.alias, d.user, d.countHeld, d.deviceExpiry ?? ''].map(show))])}\n${pageFooter(r)}`,
      );
    });
}

function registerLicenseCommands(admin: Command): void {
  const licenses = admin.command('licenses').description('signed license files on the server');

  withServer(licenses.command('list'))
    .description('list loaded licenses')
    .action(async (opts: AdminOptions) => {
      const r = await api(opts).licenses();
      emit(opts.json ?? false, r, () => {
        const served =
          r.licenses.length === 0
            ? 'No license is loaded.'
            : table([['LICENSE', 'PRODUCER', 'RECORDS', 'ISSUED', 'LOADED'], ...r.licenses.map((l) => [l.licenseId, l.producer, String(l.records), l.issuedAt, l.loadedAt])]);
        if (r.setAside.length === 0) return served;
        const setAside = table([['LICENSE', 'LOADED', 'WHY IT IS NOT SERVED'], ...r.setAside.map((l) => [l.licenseId, l.loadedAt, l.reason])]);
        return `${served}\n\nSet aside (stored, but not served: the file no longer verifies):\n${setAside}`;
      });
    });

  withServer(licenses.command('load <file>'))
    .description('load a signed license file (a newer issue of a loaded license replaces it)')
    .action(async (file: string, opts: AdminOptions) => {
      const r = await api(opts).loadLicense(readJson(file));
      emit(opts.json ?? false, r, () => `${r.replaced ? 'Replaced' : 'Loaded'} license ${r.license.licenseId} with ${r.license.records} feature records.`);
    });

  withServer(licenses.command('remove <licenseId>'))
    .description('remove a license and its feature records')
    .action(async (licenseId: string, opts: AdminOptions) => {
      await api(opts).removeLicense(licenseId);
      emit(opts.json ?? false, { removed: licenseId }, () => `Removed license ${licenseId}.`);
    });
}

function registerClientKeyCommands(admin: Command): void {
  const clientKey = admin.command('client-key').description('the client public key capability requests are signed with');
  const signing = (required: boolean) => (required ? 'Signed capability requests are required.' : 'Unsigned capability requests are accepted; signed ones must verify.');

  withServer(clientKey.command('upload <file>'))
    .description('upload the client public key: 2048-bit RSA, DER (openssl rsa -pubin -in client.pem -outform DER -out client.der)')
    .action(async (file: string, opts: AdminOptions) => {
      let bytes: Buffer;
      try {
        bytes = readFileSync(file);
      } catch (err) {
        throw new TallyError('BAD_REQUEST', `Cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
      const r = await api(opts).upload<UploadedClientKey>('PUT', `${BASE}/client-key`, bytes);
      emit(opts.json ?? false, r, () => `Uploaded client key ${r.keyId} (RSA ${r.bits} bits). ${signing(r.required)}`);
    });

  withServer(clientKey.command('show'))
    .description('show the uploaded client key and whether signed capability requests are required')
    .action(async (opts: AdminOptions) => {
      const r = await api(opts).call<ClientKeyView>('GET', `${BASE}/client-key`);
      emit(opts.json ?? false, r, () =>
        r.present
          ? `${table([['KEY ID', 'BITS', 'UPLOADED', 'BY'], [show(r.keyId), show(r.bits), show(r.uploadedAt), show(r.uploadedBy)]])}\n${signing(r.required)}`
          : `No client key is uploaded. ${r.required ? 'Signed capability requests are required, so every one is refused until a key is uploaded.' : 'Capability requests are not checked for signatures.'}`,
      );
    });

  withServer(clientKey.command('remove'))
    .description('remove the client public key')
    .action(async (opts: AdminOptions) => {
      await api(opts).call('DELETE', `${BASE}/client-key`);
      emit(opts.json ?? false, { removed: true }, () => 'Removed the client key.');
    });
}
