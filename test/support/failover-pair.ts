import { mkdtempSync, rmSync } from 'node:fs';
import type { Socket } from 'node:net';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProducerKeyPair } from '../../src/licensing/license-file.js';
import { generateProducerKeys } from '../../src/licensing/license-file.js';
import type { TestServer } from './test-server.js';
import { startTestServer } from './test-server.js';
import { until } from './until.js';

export const PAIR_SECRET = 'the pair secret of the test servers';

/** Fast timings, so that takeovers and catch-ups happen within a test. */
export const FAST_FAILOVER = {
  'failover.heartbeatInterval': 1,
  'failover.retryInterval': 1,
  'failover.requestTimeout': 2,
  'failover.takeoverDelay': 2,
};

/** A port nothing listens on now, so a server can be restarted on it. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address ? address.port : 0;
}

/** A link between two servers that a test can cut and heal: a TCP relay on a port of its own. */
export interface CuttableLink {
  port: number;
  cut(): Promise<void>;
  heal(): Promise<void>;
  close(): Promise<void>;
}

export async function cuttableLink(targetPort: number): Promise<CuttableLink> {
  const port = await freePort();
  const sockets = new Set<Socket>();
  const relay = createServer((inbound) => {
    const outbound = connect(targetPort, '127.0.0.1');
    for (const s of [inbound, outbound]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => s.destroy());
    }
    inbound.pipe(outbound).pipe(inbound);
  });
  const listen = () => new Promise<void>((resolve) => relay.listen(port, '127.0.0.1', resolve));
  const stop = async () => {
    for (const s of sockets) s.destroy();
    if (relay.listening) await new Promise((resolve) => relay.close(resolve));
  };
  await listen();
  return { port, cut: stop, heal: listen, close: stop };
}

/** The failover state a server's health reports. */
export async function failoverState(server: TestServer): Promise<{ state: string; serving: boolean; peerReachable: boolean | null; lagBatches: number | null }> {
  return (await server.get('/api/1.0/health')).body.failover;
}

/** The main and backup servers of a pair, each restartable on its port and data folder. */
export interface FailoverPair {
  keys: ProducerKeyPair;
  main: TestServer | null;
  backup: TestServer | null;
  /** The main's way to its backup, when the pair was started with `cuttable`. */
  link: CuttableLink | null;
  startMain(): Promise<TestServer>;
  startBackup(): Promise<TestServer>;
  /** Stops both and removes their folders. */
  stop(): Promise<void>;
}

export async function failoverPair(options: { features?: unknown; settings?: Record<string, unknown>; logLines?: Array<Record<string, unknown>>; cuttable?: boolean } = {}): Promise<FailoverPair> {
  const keys = generateProducerKeys();
  const [mainPort, backupPort] = [await freePort(), await freePort()];
  const link = options.cuttable ? await cuttableLink(backupPort) : null;
  const dirs = { main: mkdtempSync(join(tmpdir(), 'tally-main-')), backup: mkdtempSync(join(tmpdir(), 'tally-backup-')) };
  const start = (role: 'main' | 'backup', port: number, peerPort: number) =>
    startTestServer({
      keys,
      dataDir: dirs[role],
      ...(options.logLines ? { logLines: options.logLines } : {}),
      settings: {
        'server.port': port,
        'failover.role': role,
        'failover.peerUrl': `http://127.0.0.1:${peerPort}`,
        'failover.secret': PAIR_SECRET,
        ...FAST_FAILOVER,
        ...options.settings,
      },
    });
  const pair: FailoverPair = {
    keys,
    main: null,
    backup: null,
    link,
    async startMain() {
      const main = await start('main', mainPort, link?.port ?? backupPort);
      pair.main = main;
      await until(async () => (await main.get('/api/1.0/health')).body.failover.serving === true, 20_000);
      return main;
    },
    async startBackup() {
      pair.backup = await start('backup', backupPort, mainPort);
      return pair.backup;
    },
    async stop() {
      await pair.main?.stop();
      await pair.backup?.stop();
      await link?.close();
      rmSync(dirs.main, { recursive: true, force: true });
      rmSync(dirs.backup, { recursive: true, force: true });
    },
  };
  await pair.startBackup();
  await pair.startMain();
  if (options.features) {
    const res = await pair.main!.post('/api/1.0/instances/~/licenses', pair.main!.sign(options.features), { authorization: `Bearer ${await pair.main!.adminToken()}` });
    if (res.status !== 200) throw new Error(`license load failed: ${JSON.stringify(res.body)}`);
  }
  return pair;
}
