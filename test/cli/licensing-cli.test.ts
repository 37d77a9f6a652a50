import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateProducerKey } from '../../src/backoffice/licensing/producer-key.js';
import { exchangeFileName, exchangeResponseSchema, openMessage, signMessage } from '../../src/licensing/exchange.js';
import { generateProducerKeys } from '../../src/licensing/license-file.js';
import { TALLY } from '../support/tally-cli.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'tally-licensing-cli-'));
const bo = join(dir, 'backoffice');
const env = { ...process.env, TALLY_HOME: join(dir, 'home') };

/** Runs `tally backoffice ...` on the test's data folder; resolves with its output and exit code. */
async function backoffice(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [...TALLY, 'backoffice', ...args, '--data', bo], { env });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const e = error as { stdout: string; stderr: string; code: number };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}

/** An offline activation request of a license server, signed with its own key as the server signs it. */
function activationRequest(activations: Array<{ activationId: string; count: number }>) {
  const serverKey = generateProducerKeys();
  const now = Date.now();
  const body = {
    kind: 'activation' as const,
    server: { instanceId: 'srv-offline-1', hostIds: ['box-1'] },
    publicKey: serverKey.publicKeyPem,
    nonce: `nonce-${now}-abcdefghij`,
    createdAt: new Date(now).toISOString(),
    expiresAt: new Date(now + 3_600_000).toISOString(),
    activations,
  };
  return signMessage(body, serverKey.privateKeyPem, serverKey.publicKeyPem);
}

describe('tally backoffice: the producer licensing from the command line', () => {
  let activationIds: string[] = [];

  beforeAll(async () => {
    writeFileSync(
      join(dir, 'cad.json'),
      JSON.stringify({ id: 'cad-suite', name: 'CAD Suite', term: 'permanent', features: [{ name: 'cad', version: '2.0', count: 1 }, { name: 'render', version: '1.0', count: 2 }] }),
    );
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ id: 'bad', name: 'Bad', features: [{ name: 'cad', version: '2.0', count: -3 }] }));
    expect((await backoffice('account', 'add', 'acme', '--name', 'Acme Corp')).code).toBe(0);
  }, 30_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('adds a product from a JSON file, lists and searches products, and refuses a bad one naming the field', async () => {
    const added = await backoffice('product', 'add', join(dir, 'cad.json'));
    expect(added.stdout).toMatch(/Added product cad-suite \(CAD Suite\)/);
    expect(added.stdout).toMatch(/render\s+1\.0\s+2\s+concurrent/);
    const [bad, list] = await Promise.all([backoffice('product', 'add', join(dir, 'bad.json')), backoffice('product', 'list', '--search', 'render')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/features\.0\.count/);
    expect(list.stdout).toMatch(/cad-suite\s+CAD Suite\s+permanent\s+cad 2\.0 x1, render 1\.0 x2/);
  }, 60_000);

  it('entitles an account with --item PRODUCT=QTY[:ACTIVATIONID] and prints the activation IDs to send', async () => {
    const added = await backoffice('entitlement', 'add', '--account', 'acme', '--id', 'ENT-1', '--item', 'cad-suite=5:ACT-CAD-ONE', '--item', 'cad-suite=2', '--expiry', '2035-12-31');
    expect(added.code).toBe(0);
    activationIds = /Send the customer these activation IDs: (.+)/.exec(added.stdout)![1]!.split(' ');
    expect(activationIds).toEqual(['ACT-CAD-ONE', expect.stringMatching(/^ACT-\w{4}-\w{4}-\w{4}$/)]);
    expect(added.stdout).toMatch(/ACT-CAD-ONE\s+cad-suite\s+5\s+0\s+5\s+2035-12-31/);
    const [again, listed] = await Promise.all([
      backoffice('entitlement', 'add', '--account', 'acme', '--item', 'cad-suite=1:ACT-CAD-ONE'),
      backoffice('entitlement', 'list', '--search', 'ACT-CAD', '--json'),
    ]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/lineItems\.0\.activationId ACT-CAD-ONE is already a line item/);
    expect(JSON.parse(listed.stdout).items.map((e: { id: string }) => e.id)).toEqual(['ENT-1']);
  }, 60_000);

  it('answers an offline activation request file with a signed response next to it, and refuses the same request again', async () => {
    const requestFile = join(dir, 'activation-request.tally.json');
    writeFileSync(requestFile, JSON.stringify(activationRequest([{ activationId: 'ACT-CAD-ONE', count: 3 }])));
    const answered = await backoffice('offline', 'respond', requestFile);
    expect(answered.code).toBe(0);
    const responseFile = join(dir, exchangeFileName('response', 'activation', 'srv-offline-1'));
    expect(answered.stdout).toContain(`Answered the activation request of license server srv-offline-1 (account acme): ${responseFile}`);
    expect(answered.stdout).toMatch(/ACT-CAD-ONE\s+CAD Suite\s+3\s+2\s+2035-12-31/);

    const response = openMessage(readFileSync(responseFile, 'utf8'), exchangeResponseSchema, () => loadOrCreateProducerKey(bo).publicKeyPem, 'response');
    expect(response).toMatchObject({ requestKind: 'activation', accountId: 'acme', server: { instanceId: 'srv-offline-1' }, activations: [expect.objectContaining({ activationId: 'ACT-CAD-ONE', count: 3 })] });
    // Counts per unit times the units activated on this server.
    expect((response.license?.payload as { features: Array<{ name: string; count: number }> }).features.map((f) => [f.name, f.count])).toEqual([
      ['cad', 3],
      ['render', 6],
    ]);

    const replayed = await backoffice('offline', 'respond', requestFile, '-o', join(dir, 'again.tally.json'));
    expect(replayed.code).toBe(1);
    expect(replayed.stderr).toMatch(/already answered/);
    expect(existsSync(join(dir, 'again.tally.json'))).toBe(false);
    const shown = await backoffice('activation', 'show', 'ACT-CAD-ONE');
    expect(shown.stdout).toMatch(/quantity 5, activated 3, remaining 2/);
    expect(shown.stdout).toMatch(/\+3\s+3\s+offline/);
  }, 60_000);

  it('adds counts, renews, and takes counts back from a server', async () => {
    const lowered = await backoffice('activation', 'change', 'ACT-CAD-ONE', '--quantity', '2');
    const changed = await backoffice('activation', 'change', 'ACT-CAD-ONE', '--quantity', '8', '--expiry', 'permanent');
    expect(lowered.code).toBe(1);
    expect(lowered.stderr).toMatch(/has 3 counts activated/);
    expect(changed.stdout).toContain('ACT-CAD-ONE: quantity 8, activated 3, remaining 5; expiry permanent.');
    const back = await backoffice('activation', 'set', 'ACT-CAD-ONE', '--instance', 'srv-offline-1', '--count', '1');
    expect(back.stdout).toMatch(/quantity 8, activated 1, remaining 7/);
    expect(back.stdout).toMatch(/-2\s+1\s+producer/);
  }, 60_000);

  it('shows the producer key to configure license servers with, and imports one only with --replace', async () => {
    const other = generateProducerKeys();
    writeFileSync(join(dir, 'other.key'), other.privateKeyPem);
    const [shown, pem, refused] = await Promise.all([backoffice('producer-key', 'show'), backoffice('producer-key', 'show', '--pem'), backoffice('producer-key', 'import', join(dir, 'other.key'))]);
    const current = loadOrCreateProducerKey(bo);
    expect(shown.stdout).toBe(`Producer key ${current.keyId}; license servers trust this public key (save it as their producer.publicKeyFile):\n${current.publicKeyPem}`);
    expect(pem.stdout).toBe(current.publicKeyPem);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`already signs with key ${current.keyId}`);
    expect((await backoffice('producer-key', 'import', join(dir, 'other.key'), '--replace')).stdout).toContain(`signs with key ${other.keyId}`);
    expect(loadOrCreateProducerKey(bo).publicKeyPem).toBe(other.publicKeyPem);
  }, 60_000);
});
