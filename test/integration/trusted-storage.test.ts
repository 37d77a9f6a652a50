import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqlite } from '../../src/common/sqlite.js';
import { generateProducerKeys, signLicense, verifyLicense } from '../../src/licensing/license-file.js';
import type { ServerProcess } from '../support/server-process.js';
import { startServerProcess, writeLicenseFiles } from '../support/server-process.js';
import { stopProcess } from '../support/tally-cli.js';
import { CAPABILITY, startTestServer } from '../support/test-server.js';

const dir = mkdtempSync(join(tmpdir(), 'tally-trusted-'));
const dataDir = join(dir, 'data');
const SERVER_MIGRATIONS = join(import.meta.dirname, '../../src/server/store/migrations');

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function ask(server: ServerProcess, feature: string, count: number): Promise<{ granted: number; denied: number | null }> {
  const res = await fetch(server.url + CAPABILITY, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ device: { hostId: { value: `probe-${feature}`, type: 'STRING' } }, features: [{ name: feature, version: '1.0', count }] }),
  });
  const body: any = await res.json();
  return { granted: body.granted.reduce((n: number, g: any) => n + g.count, 0), denied: body.denied[0]?.code ?? null };
}

/** Edits trusted storage as someone with access to the data folder could. */
function tamper(edit: (db: Database.Database) => void): void {
  const db = new Database(join(dataDir, 'server.db'));
  try {
    edit(db);
  } finally {
    db.close();
  }
}

const hasTable = (db: Database.Database, name: string) => db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;

describe('trusted storage edited on disk', () => {
  it('serves only what a verified producer signature covers after a restart, and says what it set aside', async () => {
    const keys = writeLicenseFiles(dir, { licenseId: 'main', features: [
      { name: 'cad', version: '1.0', count: 5, expiry: 'permanent' },
      { name: 'legacy', version: '1.0', count: 5, expiry: '2020-01-01' },
    ] });
    let server = await startServerProcess(dir, dataDir);
    expect(await ask(server, 'cad', 6)).toEqual({ granted: 0, denied: 7 });
    await stopProcess(server);
    writeLicenseFiles(dir, { licenseId: 'other', features: [{ name: 'cam', version: '1.0', count: 3, expiry: 'permanent' }] }, keys);
    server = await startServerProcess(dir, dataDir);
    expect(await ask(server, 'cam', 1)).toEqual({ granted: 1, denied: null });
    await stopProcess(server);

    tamper((db) => {
      // A count raised and an expired record made permanent, in the file and in any record rows.
      const stored = JSON.parse(db.prepare("SELECT file FROM licenses WHERE license_id = 'main'").pluck().get() as string);
      stored.payload.features[0].count = 500;
      stored.payload.features[1].expiry = 'permanent';
      db.prepare("UPDATE licenses SET file = ? WHERE license_id = 'main'").run(JSON.stringify(stored));
      // A license row added by hand, with a signature copied from a real file.
      const forged = { ...stored, payload: { ...stored.payload, licenseId: 'forged', features: [{ name: 'extra', version: '1.0', count: 50, expiry: 'permanent' }] } };
      db.prepare("INSERT INTO licenses (license_id, producer, key_id, issued_at, loaded_at, file) VALUES ('forged', 'p', ?, 0, 0, ?)").run(stored.keyId, JSON.stringify(forged));
      if (hasTable(db, 'feature_records')) {
        for (const row of db.prepare("SELECT id, record FROM feature_records WHERE license_id = 'main'").all() as Array<{ id: string; record: string }>) {
          const record = JSON.parse(row.record);
          record.count = 500;
          record.expiresAt = null;
          db.prepare('UPDATE feature_records SET record = ? WHERE id = ?').run(JSON.stringify(record), row.id);
        }
        const extra = { ...JSON.parse((db.prepare("SELECT record FROM feature_records WHERE license_id = 'main' LIMIT 1").pluck().get() as string)), id: 'extra-1', name: 'extra', licenseId: 'forged', count: 50 };
        db.prepare("INSERT INTO feature_records (id, license_id, name, version, record) VALUES ('extra-1', 'forged', 'extra', '1.0', ?)").run(JSON.stringify(extra));
      }
    });

    server = await startServerProcess(dir, dataDir, {}, { license: false });
    try {
      expect(await ask(server, 'cad', 6), 'edited count').toEqual({ granted: 0, denied: 15 });
      expect(await ask(server, 'legacy', 1), 'edited expiry').toEqual({ granted: 0, denied: 15 });
      expect(await ask(server, 'extra', 1), 'added row').toEqual({ granted: 0, denied: 15 });
      expect(await ask(server, 'cam', 1), 'untouched license').toEqual({ granted: 1, denied: null });

      const health: any = await (await fetch(`${server.url}/api/1.0/health`)).json();
      expect(health.status).toBe('degraded');
      expect(health.licenses.served).toBe(1);
      expect(health.licenses.setAside).toEqual([
        { licenseId: 'forged', loadedAt: expect.any(String), reason: expect.stringMatching(/signature does not match/) },
        { licenseId: 'main', loadedAt: expect.any(String), reason: expect.stringMatching(/signature does not match/) },
      ]);
      expect(server.output()).toMatch(/license\.set_aside[^\n]*"licenseId":"main"/);
      expect(server.output()).toMatch(/license\.set_aside[^\n]*"licenseId":"forged"/);
    } finally {
      await stopProcess(server);
    }
  }, 90_000);

  it('carries a data folder of the earlier schema forward: its licenses are verified and served, their record rows dropped', async () => {
    const oldDir = mkdtempSync(join(tmpdir(), 'tally-old-'));
    const oldData = join(oldDir, 'data');
    const keys = generateProducerKeys();
    writeFileSync(join(oldDir, 'producer.pub'), keys.publicKeyPem);
    const license = signLicense({ licenseId: 'kept', features: [{ name: 'cad', version: '1.0', count: 4, expiry: 'permanent' }] }, keys.privateKeyPem);
    // The schema as the migrations before this one left it, holding a license as it was stored then.
    const earlier = join(oldDir, 'migrations');
    mkdirSync(earlier);
    for (const file of readdirSync(SERVER_MIGRATIONS).filter((f) => f < '004')) copyFileSync(join(SERVER_MIGRATIONS, file), join(earlier, file));
    const db = openSqlite(join(oldData, 'server.db'), [{ scope: 'server', dir: earlier }], { synchronous: 'FULL' });
    const [record] = verifyLicense(license, keys.publicKeyPem, Date.now()).records;
    db.prepare("INSERT INTO licenses (license_id, producer, key_id, issued_at, loaded_at, file) VALUES ('kept', 'p', ?, 0, 0, ?)").run(license.keyId, JSON.stringify(license));
    db.prepare("INSERT INTO feature_records (id, license_id, name, version, record) VALUES (?, 'kept', 'cad', '1.0', ?)").run(record!.id, JSON.stringify(record));
    db.close();

    const server = await startServerProcess(oldDir, oldData, {}, { license: false });
    try {
      expect(await ask(server, 'cad', 4)).toEqual({ granted: 4, denied: null });
      const health: any = await (await fetch(`${server.url}/api/1.0/health`)).json();
      expect(health.licenses).toEqual({ served: 1, setAside: [] });
      const migrated = new Database(join(oldData, 'server.db'), { readonly: true });
      expect(hasTable(migrated, 'feature_records')).toBe(false);
      migrated.close();
    } finally {
      await stopProcess(server);
      rmSync(oldDir, { recursive: true, force: true });
    }
  }, 60_000);

  it('lists a set-aside license apart in GET /licenses, and loading a good issue of it serves it again', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'tally-listing-'));
    const keys = generateProducerKeys();
    const features = { licenseId: 'main', features: [{ name: 'cad', version: '1.0', count: 5, expiry: 'permanent' }] };
    const first = await startTestServer({ dataDir: folder, keys, features });
    await first.stop();
    const db = new Database(join(folder, 'server.db'));
    db.prepare("UPDATE licenses SET file = replace(file, '\"count\":5', '\"count\":9') WHERE license_id = 'main'").run();
    db.close();
    const server = await startTestServer({ dataDir: folder, keys });
    try {
      const auth = { authorization: `Bearer ${await server.adminToken()}` };
      const listed = await server.get('/api/1.0/instances/~/licenses', auth);
      expect(listed.body).toEqual({ licenses: [], setAside: [{ licenseId: 'main', loadedAt: expect.any(String), reason: expect.stringMatching(/signature does not match/) }] });
      expect((await server.post('/api/1.0/instances/~/licenses', server.sign(features), auth)).status).toBe(200);
      const after = await server.get('/api/1.0/instances/~/licenses', auth);
      expect(after.body).toEqual({ licenses: [expect.objectContaining({ licenseId: 'main', records: 1 })], setAside: [] });
      expect((await server.get('/api/1.0/health')).body.status).toBe('ok');
    } finally {
      await server.stop();
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

