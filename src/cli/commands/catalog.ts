import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { TallyError } from '../../common/errors.js';
import { createLogger } from '../../common/log.js';
import { systemClock } from '../../common/time.js';
import type { ActivationIdView, EntitlementView, LineItemView, ProductView } from '../../backoffice/licensing/catalog.js';
import { ExchangeService } from '../../backoffice/licensing/exchange-service.js';
import { importProducerKey, loadOrCreateProducerKey } from '../../backoffice/licensing/producer-key.js';
import { exchangeFileName, exchangeRequestSchema, openMessage } from '../../licensing/exchange.js';
import type { DataOptions } from '../backoffice-data.js';
import { backofficeSettings, dataOptions, requireBackofficeData, withBackofficeData } from '../backoffice-data.js';
import { emit, table } from '../output.js';

/** Reads a file a command was given, refusing it by the argument that named it. */
function readText(file: string, field: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new TallyError('BAD_REQUEST', `Cannot read ${file}: ${(err as Error).message}`, [{ field, message: 'cannot be read' }]);
  }
}

function readJson(file: string, field: string): unknown {
  const text = readText(file, field);
  try {
    return JSON.parse(text);
  } catch {
    throw new TallyError('BAD_REQUEST', `${file} is not JSON.`, [{ field, message: 'is not JSON' }]);
  }
}

/** `PRODUCT=QUANTITY[:ACTIVATIONID]` of --item; the quantity is checked with the rest of the entitlement. */
function parseItem(spec: string): Record<string, unknown> {
  const match = /^([^=]+)=([^:]*)(?::(.*))?$/.exec(spec);
  if (!match) throw new TallyError('BAD_REQUEST', `--item ${spec}: must be PRODUCT=QUANTITY or PRODUCT=QUANTITY:ACTIVATIONID`, [{ field: 'item', message: 'must be PRODUCT=QUANTITY[:ACTIVATIONID]' }]);
  const [, productId, quantity, activationId] = match;
  return { productId, quantity: /^\d+$/.test(quantity!) ? Number(quantity) : quantity, ...(activationId !== undefined ? { activationId } : {}) };
}

const collect = (value: string, previous: string[]) => [...previous, value];
const expiryText = (expiry: string | null) => expiry ?? 'product term';

function featuresTable(p: ProductView): string {
  return table([
    ['FEATURE', 'VERSION', 'COUNT', 'MODEL', 'OVERDRAFT', 'LEASE'],
    ...p.features.map((f) => [f.name, f.version, f.counted ? String(f.count) : 'uncounted', f.model, String(f.overdraft), f.borrowInterval ? `${f.borrowInterval}s` : 'default']),
  ]);
}

function lineItemsTable(items: readonly LineItemView[]): string {
  return table([
    ['ACTIVATION ID', 'PRODUCT', 'QUANTITY', 'ACTIVATED', 'REMAINING', 'EXPIRY'],
    ...items.map((l) => [l.activationId, l.productId, String(l.quantity), String(l.activated), String(l.remaining), `${expiryText(l.expiry)}${l.expired ? ' (expired)' : ''}`]),
  ]);
}

function entitlementText(e: EntitlementView): string {
  return [`Entitlement ${e.id}${e.name ? ` (${e.name})` : ''} of account ${e.accountId} (${e.accountName}), created ${e.createdAt}`, lineItemsTable(e.lineItems)].join('\n');
}

function activationText(a: ActivationIdView): string {
  return [
    `${a.activationId}: ${a.productName} (${a.productId}), entitlement ${a.entitlementId} of account ${a.accountId}`,
    `quantity ${a.quantity}, activated ${a.activated}, remaining ${a.remaining}; expiry ${expiryText(a.expiry)}${a.expired ? ' (expired)' : ''}`,
    '',
    a.servers.length === 0
      ? 'On no license server.'
      : table([['INSTANCE', 'NAME', 'COUNT', 'SINCE', 'EXPIRES'], ...a.servers.map((s) => [s.instanceId, s.instanceName, String(s.count), s.firstActivatedAt, s.expiresAt ?? 'permanent'])]),
    '',
    a.history.length === 0
      ? 'No counts moved yet.'
      : table([['AT', 'INSTANCE', 'CHANGE', 'AFTER', 'VIA'], ...a.history.map((h) => [h.at, h.instanceId, h.delta > 0 ? `+${h.delta}` : String(h.delta), String(h.countAfter), h.via])]),
  ].join('\n');
}

/**
 * Writes a response file whole or not at all. The file is created before the request is
 * answered, so that a folder it cannot be written to refuses the request before anything is
 * activated for it.
 */
function writeAnswer<T>(file: string, answer: () => T, content: (value: T) => string): T {
  const temp = `${file}.tmp`;
  let fd: number;
  try {
    fd = openSync(temp, 'w', 0o644);
  } catch (err) {
    throw new TallyError('BAD_REQUEST', `Cannot write ${file}: ${(err as Error).message}`, [{ field: 'output', message: 'cannot be written' }]);
  }
  try {
    const value = answer();
    writeSync(fd, content(value));
    fsyncSync(fd);
    closeSync(fd);
    renameSync(temp, file);
    return value;
  } catch (err) {
    try {
      closeSync(fd);
    } catch {
      // closed already
    }
    rmSync(temp, { force: true });
    throw err;
  }
}

/** `tally backoffice product|entitlement|activation|offline|producer-key`: the producer's licensing service. */
export function registerCatalogCommands(backoffice: Command): void {
  const product = backoffice.command('product').description('what the producer sells: products and their features');
  dataOptions(product.command('add <file>'))
    .description('define a product from a JSON file: {id, name, version, term, features: [{name, version, count, ...}]}')
    .action((file: string, opts: DataOptions) => {
      const input = readJson(file, 'file');
      const p = withBackofficeData(opts, ({ catalog }) => catalog.addProduct(input));
      emit(opts.json ?? false, p, () => [`Added product ${p.id} (${p.name}), term ${p.term}:`, featuresTable(p)].join('\n'));
    });
  dataOptions(product.command('list'))
    .description('list products')
    .option('--search <text>', 'only those whose ID, name or a feature name contains it')
    .action((opts: DataOptions & { search?: string }) => {
      const r = withBackofficeData(opts, ({ catalog }) => catalog.products(0, 10_000, opts.search), true);
      emit(opts.json ?? false, r, () =>
        r.total === 0
          ? 'No products.'
          : table([['PRODUCT', 'NAME', 'VERSION', 'TERM', 'FEATURES'], ...r.items.map((p) => [p.id, p.name, p.version ?? '', p.term, p.features.map((f) => `${f.name} ${f.version} x${f.count}`).join(', ')])]),
      );
    });
  dataOptions(product.command('show <id>'))
    .description('show a product and its features')
    .action((id: string, opts: DataOptions) => {
      const p = withBackofficeData(opts, ({ catalog }) => catalog.productView(id), true);
      emit(opts.json ?? false, p, () => [`${p.id}: ${p.name}${p.version ? ` ${p.version}` : ''}, term ${p.term}, updated ${p.updatedAt}`, featuresTable(p)].join('\n'));
    });

  const entitlement = backoffice.command('entitlement').description("what an account bought: line items, each an activation ID with a quantity of a product");
  dataOptions(entitlement.command('add'))
    .description('entitle an account to products; prints the activation IDs to send the customer')
    .option('--account <id>', 'the account entitled')
    .option('--id <id>', 'the entitlement ID (made when not given)')
    .option('--name <name>', 'a name for it (an order number)')
    .option('--item <spec>', 'a line item: PRODUCT=QUANTITY, or PRODUCT=QUANTITY:ACTIVATIONID to choose the ID (repeat for more)', collect, [])
    .option('--expiry <date>', 'the end of the rights of the --item line items: a date (YYYY-MM-DD) or permanent (default: the product term)')
    .option('--file <file>', 'the entitlement as JSON: {accountId, id, name, lineItems: [{productId, quantity, activationId, start, expiry}]}')
    .action((opts: DataOptions & { account?: string; id?: string; name?: string; item: string[]; expiry?: string; file?: string }) => {
      const base = opts.file ? (readJson(opts.file, 'file') as Record<string, unknown>) : {};
      if (!opts.file && opts.item.length === 0) {
        throw new TallyError('BAD_REQUEST', 'Give the line items: --item PRODUCT=QUANTITY (repeat for more), or --file with the entitlement as JSON.', [{ field: 'item', message: 'is required' }]);
      }
      const items = opts.item.map((spec) => ({ ...parseItem(spec), ...(opts.expiry ? { expiry: opts.expiry } : {}) }));
      const input = {
        ...base,
        ...(opts.account ? { accountId: opts.account } : {}),
        ...(opts.id ? { id: opts.id } : {}),
        ...(opts.name ? { name: opts.name } : {}),
        ...(items.length > 0 ? { lineItems: [...((base.lineItems as unknown[] | undefined) ?? []), ...items] } : {}),
      };
      const e = withBackofficeData(opts, ({ catalog }) => catalog.addEntitlement(input), true);
      emit(opts.json ?? false, e, () =>
        [
          `Added entitlement ${e.id} for account ${e.accountId} (${e.accountName}).`,
          lineItemsTable(e.lineItems),
          `Send the customer ${e.lineItems.length === 1 ? 'this activation ID' : 'these activation IDs'}: ${e.lineItems.map((l) => l.activationId).join(' ')}`,
        ].join('\n'),
      );
    });
  dataOptions(entitlement.command('list'))
    .description('list entitlements, newest first, one line per line item')
    .option('--account <id>', 'only this account')
    .option('--search <text>', 'only those whose ID, name, account, activation IDs or products contain it')
    .action((opts: DataOptions & { account?: string; search?: string }) => {
      const r = withBackofficeData(opts, ({ catalog }) => catalog.entitlements(0, 10_000, { accountId: opts.account, q: opts.search }), true);
      emit(opts.json ?? false, r, () =>
        r.total === 0
          ? 'No entitlements.'
          : table([
              ['ENTITLEMENT', 'ACCOUNT', 'ACTIVATION ID', 'PRODUCT', 'QUANTITY', 'ACTIVATED', 'EXPIRY'],
              ...r.items.flatMap((e) => e.lineItems.map((l) => [e.id, e.accountId, l.activationId, l.productId, String(l.quantity), String(l.activated), expiryText(l.expiry)])),
            ]),
      );
    });
  dataOptions(entitlement.command('show <id>'))
    .description('show an entitlement and its line items')
    .action((id: string, opts: DataOptions) => {
      const e = withBackofficeData(opts, ({ catalog }) => catalog.entitlement(id), true);
      emit(opts.json ?? false, e, () => entitlementText(e));
    });

  const activation = backoffice.command('activation').description("an activation ID: where its counts went; more counts, renewals, counts taken back");
  dataOptions(activation.command('show <activationId>'))
    .description('quantity, activated, remaining, the counts on each license server, and how they moved')
    .action((id: string, opts: DataOptions) => {
      const a = withBackofficeData(opts, ({ catalog }) => catalog.activationId(id), true);
      emit(opts.json ?? false, a, () => activationText(a));
    });
  dataOptions(activation.command('change <activationId>'))
    .description('change the quantity (never below the counts activated) or renew with a new expiry; servers learn it at their next exchange')
    .option('--quantity <n>', 'the new quantity')
    .option('--expiry <date>', 'the new end of the rights: a date (YYYY-MM-DD), an ISO timestamp, or permanent')
    .action((id: string, opts: DataOptions & { quantity?: string; expiry?: string }) => {
      if (opts.quantity === undefined && opts.expiry === undefined) throw new TallyError('BAD_REQUEST', 'Give --quantity, --expiry or both.', [{ field: 'quantity', message: 'or expiry is required' }]);
      const change = { ...(opts.quantity !== undefined ? { quantity: /^\d+$/.test(opts.quantity) ? Number(opts.quantity) : opts.quantity } : {}), ...(opts.expiry !== undefined ? { expiry: opts.expiry } : {}) };
      const l = withBackofficeData(opts, ({ catalog }) => catalog.changeLineItem(id, change), true);
      emit(opts.json ?? false, l, () => `${l.activationId}: quantity ${l.quantity}, activated ${l.activated}, remaining ${l.remaining}; expiry ${expiryText(l.expiry)}.`);
    });
  dataOptions(activation.command('set <activationId>'))
    .description('set the counts of an activation ID on one license server (0 takes them all back); the server learns it at its next exchange')
    .requiredOption('--instance <id>', 'the license server (instance ID)')
    .requiredOption('--count <n>', 'its counts of this activation ID from now on')
    .action((id: string, opts: DataOptions & { instance: string; count: string }) => {
      const count = /^\d+$/.test(opts.count) ? Number(opts.count) : opts.count;
      const a = withBackofficeData(opts, ({ catalog }) => catalog.setServerCount(id, opts.instance, { count }), true);
      emit(opts.json ?? false, a, () => activationText(a));
    });

  const offline = backoffice.command('offline').description('answer the request files of license servers that cannot reach the back office');
  dataOptions(offline.command('respond <request>'))
    .description('answer an activation or capability request file; writes the response file to carry back to the license server')
    .option('-o, --output <file>', 'the response file (default: next to the request, named after its kind and server)')
    .action((requestFile: string, opts: DataOptions & { output?: string }) => {
      const text = readText(requestFile, 'request');
      const r = withBackofficeData(
        opts,
        ({ settings, dir, db, registry, catalog }) => {
          const exchange = new ExchangeService({ db, registry, catalog, key: loadOrCreateProducerKey(dir), clock: systemClock, log: createLogger('silent'), responseLifetime: () => settings.licensing.responseLifetime });
          // Opened here too for the name of the default output; respond() checks it all again.
          const request = openMessage(text, exchangeRequestSchema, (body) => body.publicKey, 'request');
          const output = opts.output ?? join(dirname(requestFile), exchangeFileName('response', request.kind, request.server.instanceId));
          const response = writeAnswer(output, () => exchange.respond(text, 'offline'), (value) => `${JSON.stringify(value, null, 2)}\n`);
          return { output, response: response.body };
        },
        true,
      );
      const b = r.response;
      emit(opts.json ?? false, { file: r.output, ...b, license: undefined }, () =>
        [
          `Answered the ${b.requestKind} request of license server ${b.server.instanceId} (account ${b.accountId}): ${r.output}`,
          b.activations.length === 0
            ? 'It holds no activation IDs.'
            : table([['ACTIVATION ID', 'PRODUCT', 'ON THIS SERVER', 'REMAINING', 'EXPIRY'], ...b.activations.map((a) => [a.activationId, a.productName, String(a.count), String(a.remaining), a.expiry ?? 'permanent'])]),
          `Upload the response to the license server before ${b.expiresAt}.`,
        ].join('\n'),
      );
    });

  const producerKey = backoffice.command('producer-key').description("the producer's signing key: license servers trust its public key");
  dataOptions(producerKey.command('show'))
    .description("the key ID and public key (PEM) to configure license servers with (producer.publicKeyFile)")
    .option('--pem', 'print only the public key in PEM, to save as a file')
    .action((opts: DataOptions & { pem?: boolean }) => {
      const dir = backofficeSettings(opts).backoffice.dataDir;
      requireBackofficeData(dir);
      const key = loadOrCreateProducerKey(dir);
      if (opts.pem) {
        process.stdout.write(key.publicKeyPem);
        return;
      }
      emit(opts.json ?? false, { keyId: key.keyId, publicKey: key.publicKeyPem }, () =>
        [`Producer key ${key.keyId}; license servers trust this public key (save it as their producer.publicKeyFile):`, key.publicKeyPem.trimEnd()].join('\n'),
      );
    });
  dataOptions(producerKey.command('import <file>'))
    .description('sign with an existing Ed25519 private key (PEM), such as the one of tally producer keygen')
    .option('--replace', 'replace the key this back office signs with now (servers that trust it must be given the new public key)')
    .action((file: string, opts: DataOptions & { replace?: boolean }) => {
      const dir = backofficeSettings(opts).backoffice.dataDir;
      mkdirSync(dir, { recursive: true });
      const key = importProducerKey(dir, file, opts.replace ?? false);
      emit(opts.json ?? false, { keyId: key.keyId, publicKey: key.publicKeyPem }, () => `The back office signs with key ${key.keyId} (restart it if it is running).`);
    });
}
