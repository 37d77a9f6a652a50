import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { LicenseClient } from '../../client/license-client.js';
import { TallyError } from '../../common/errors.js';
import type { ActivationAsk } from '../../licensing/entitlement.js';
import type { ActivationLine } from '../../licensing/exchange.js';
import { exchangeFileName } from '../../licensing/exchange.js';
import type { LicenseUpdate } from '../../licensing/license-update.js';
import type { Page } from '../../http/paging.js';
import type { LicenseUpdatesStatus } from '../../server/exchange/license-updates.js';
import { withServer } from '../options.js';
import { emit, table } from '../output.js';
import { tokenFor } from '../sessions.js';

interface AdminOptions {
  server: string;
  json?: boolean;
}

const BASE = '/api/1.0/instances/~';
const api = (opts: AdminOptions) => new LicenseClient(opts.server, tokenFor(opts.server));

/** `ACT-1=5` → an activation ID and its count. */
export function parseAsks(args: readonly string[]): ActivationAsk[] {
  return args.map((arg, i) => {
    const match = /^([^=\s]+)=(\d+)$/.exec(arg.trim());
    if (!match) throw new TallyError('BAD_REQUEST', `${arg} must be ACTIVATION_ID=COUNT, e.g. ACT-1234=5`, [{ field: `activations.${i}`, message: 'must be ACTIVATION_ID=COUNT' }]);
    return { activationId: match[1]!, count: Number(match[2]) };
  });
}

const REASONS = { 'record-removed': 'its record was taken away', 'count-lowered': 'the count was lowered' } as const;

function describeUpdate(update: LicenseUpdate | null, activations: ActivationLine[]): string {
  const lines = [update ? update.summary : 'No change: the back office has nothing new for this server.'];
  for (const l of update?.endedLeases ?? []) lines.push(`  ended ${l.count} of ${l.feature} ${l.version} on ${l.deviceKey} (${REASONS[l.reason]}; ${l.left} left)`);
  if (activations.length > 0) {
    lines.push('', table([['ACTIVATION ID', 'PRODUCT', 'COUNT HERE', 'REMAINING', 'EXPIRES'], ...activations.map((a) => [a.activationId, a.productName, String(a.count), String(a.remaining), a.expiry ?? 'permanent'])]));
  }
  return lines.join('\n');
}

/** Licenses from the back office: activation, updates now, the offline exchange, and the history. */
export function registerLicenseUpdateCommands(admin: Command): void {
  withServer(admin.command('activate <activations...>'))
    .description('activate activation IDs online through the back office: ACTIVATION_ID=COUNT ...')
    .action(async (args: string[], opts: AdminOptions) => {
      const r = await api(opts).call<{ update: LicenseUpdate; activations: ActivationLine[] }>('POST', `${BASE}/activations`, { activations: parseAsks(args) });
      emit(opts.json ?? false, r, () => `Activated. ${describeUpdate(r.update, r.activations)}`);
    });

  withServer(admin.command('update-licenses'))
    .description('fetch this server’s current rights from the back office now (a capability poll) and apply any change')
    .action(async (opts: AdminOptions) => {
      const r = await api(opts).call<{ update: LicenseUpdate | null; activations: ActivationLine[] }>('POST', `${BASE}/capability-poll`);
      emit(opts.json ?? false, r, () => describeUpdate(r.update, r.activations));
    });

  withServer(admin.command('license-updates'))
    .description('what each change of licenses did, newest first, and where polling stands')
    .option('--page <n>', 'page, from 1', '1')
    .option('--page-size <n>', 'rows a page (max 1000)', '20')
    .action(async (opts: AdminOptions & { page: string; pageSize: string }) => {
      const client = api(opts);
      const [status, page] = await Promise.all([
        client.call<LicenseUpdatesStatus>('GET', `${BASE}/license-updates/status`),
        client.call<Page<LicenseUpdate>>('GET', `${BASE}/license-updates?page=${encodeURIComponent(opts.page)}&pageSize=${encodeURIComponent(opts.pageSize)}`),
      ]);
      emit(opts.json ?? false, { status, ...page }, () => {
        const p = status.polling;
        const head = [
          status.activated ? `Activated by ${status.backOfficeUrl ?? 'a back office'} (account ${status.accountId ?? 'unknown'}); rights issued ${status.rightsIssuedAt}.` : 'Not activated by a back office.',
          p.enabled ? `Polling every ${p.interval} s; last ${p.lastAttemptAt ?? 'never'}${p.lastError ? ` failed: ${p.lastError}` : ''}; next ${p.nextPollAt ?? 'not scheduled'}.` : 'Polling is off (capabilityPolling.enabled).',
          `Offline requests waiting for a response: ${status.pendingRequests}.`,
        ];
        const rows = page.items.map((u) => [u.at, u.source, u.summary]);
        return `${head.join('\n')}\n\n${rows.length === 0 ? 'No license update yet.' : table([['AT', 'SOURCE', 'WHAT CHANGED'], ...rows])}`;
      });
    });

  const offline = admin.command('offline').description('license updates carried by hand, for a server that cannot reach the back office');
  withServer(offline.command('request'))
    .description('write a request file for the back office: a capability request, or an activation request with --activate')
    .option('--activate <activations...>', 'ACTIVATION_ID=COUNT ... to activate')
    .option('-o, --output <file>', 'where to write it (default: a name that says what it is)')
    .action(async (opts: AdminOptions & { activate?: string[]; output?: string }) => {
      const client = api(opts);
      const file = opts.activate
        ? await client.call<{ body: { server: { instanceId: string } } }>('POST', `${BASE}/offline/activation-request`, { activations: parseAsks(opts.activate) })
        : await client.call<{ body: { server: { instanceId: string } } }>('GET', `${BASE}/offline/capability-request`);
      const name = opts.output ?? exchangeFileName('request', opts.activate ? 'activation' : 'capability', file.body.server.instanceId);
      writeFileSync(name, `${JSON.stringify(file, null, 2)}\n`);
      emit(opts.json ?? false, { file: name }, () => `Wrote ${name}: take it to the back office (tally backoffice offline respond ${name}), then load the response here with tally admin offline load.`);
    });

  withServer(offline.command('load <response>'))
    .description('apply a response file of the back office')
    .action(async (response: string, opts: AdminOptions) => {
      let body: unknown;
      try {
        body = JSON.parse(readFileSync(response, 'utf8'));
      } catch (err) {
        throw new TallyError('BAD_REQUEST', `Cannot read ${response} as a response file: ${(err as Error).message}`, [{ field: 'response', message: 'is not a JSON file' }]);
      }
      const r = await api(opts).call<{ update: LicenseUpdate; activations: ActivationLine[] }>('POST', `${BASE}/offline/response`, body);
      emit(opts.json ?? false, r, () => `Applied ${response}. ${describeUpdate(r.update, r.activations)}`);
    });
}
