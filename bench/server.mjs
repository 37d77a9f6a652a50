// npm run bench:server — capability request+return pairs over loopback HTTP against a real
// license server (SQLite, synchronous=FULL, group commit), then the same load against a bare
// Fastify JSON endpoint; prints requests/s, p50 and p99 latency and the ratio of the two.
// Settings: BENCH_SECONDS (default 15), BENCH_CONNECTIONS (default 64).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { generateProducerKeys, signLicense } from '../dist/licensing/license-file.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 15);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 64);
const dir = mkdtempSync(join(tmpdir(), 'tally-bench-'));

function start(command, args) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (chunk) => {
      seen += chunk.toString();
      const match = /listening on (http:\/\/[\d.:]+)/.exec(seen);
      if (match) resolve({ child, url: match[1] });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}: ${seen}`)));
  });
}

async function stop(child) {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

let seq = 0;
const device = () => ({ hostId: { value: `bench-${seq % 100_000}`, type: 'STRING' }, alias: 'bench-host', user: 'bench' });

function load(url, path) {
  return autocannon({
    url,
    connections,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        path,
        headers: { 'content-type': 'application/json' },
        setupRequest: (req, context) => {
          seq += 1;
          context.device = device();
          return { ...req, body: JSON.stringify({ device: context.device, features: [{ name: 'bench', version: '1.0', count: 1 }] }) };
        },
      },
      {
        method: 'POST',
        path,
        headers: { 'content-type': 'application/json' },
        setupRequest: (req, context) => ({
          ...req,
          body: JSON.stringify({ device: context.device, incremental: true, features: [{ name: 'bench', version: '1.0', count: -1 }] }),
        }),
      },
    ],
  });
}

function summary(name, result) {
  return {
    name,
    requestsPerSecond: Math.round(result.requests.average),
    p50ms: result.latency.p50,
    p99ms: result.latency.p99,
    total: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

try {
  const keys = generateProducerKeys();
  writeFileSync(join(dir, 'producer.pub'), keys.publicKeyPem);
  const license = signLicense({ licenseId: 'bench', features: [{ name: 'bench', version: '1.0', count: 1_000_000, expiry: 'permanent' }] }, keys.privateKeyPem);
  writeFileSync(join(dir, 'license.json'), JSON.stringify(license));

  const server = await start(process.execPath, [
    'bin/tally.js', 'server', '--host', '127.0.0.1', '--port', '0', '--data', join(dir, 'data'),
    '--producer-key', join(dir, 'producer.pub'), '--license', join(dir, 'license.json'), '--log-level', 'warn',
  ]);
  await load(server.url, '/api/1.0/instances/~/capability'); // warm-up run is discarded below
  const tally = summary('tally capability (request+return, durable)', await load(server.url, '/api/1.0/instances/~/capability'));
  await stop(server.child);

  const bare = await start(process.execPath, ['bench/bare-server.mjs']);
  await load(bare.url, '/echo');
  const baseline = summary('bare fastify JSON endpoint', await load(bare.url, '/echo'));
  await stop(bare.child);

  const ratio = tally.requestsPerSecond / baseline.requestsPerSecond;
  console.table([tally, baseline]);
  console.log(`connections ${connections}, ${seconds}s per run after a warm-up run; ratio tally/bare = ${(ratio * 100).toFixed(1)} %`);
  console.log(`targets: >= 10000 req/s (${tally.requestsPerSecond >= 10_000 ? 'met' : 'MISSED'}), >= 50 % of bare (${ratio >= 0.5 ? 'met' : 'MISSED'})`);
  if (tally.non2xx > 0 || tally.errors > 0) console.log(`warning: ${tally.non2xx} non-2xx answers and ${tally.errors} errors during the tally run`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
