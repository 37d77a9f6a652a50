// npm run bench:server — capability request+return pairs over loopback HTTP against a real
// license server (SQLite, synchronous=FULL, group commit), then the same load against a bare
// Fastify JSON endpoint; prints requests/s, p50 and p99 latency and the ratio of the two.
// Each pair is a device taking one count (full request) and giving it back (incremental -1);
// devices cycle through a site of BENCH_DEVICES (default 10,000) hostids.
// Settings: BENCH_SECONDS (default 15), BENCH_CONNECTIONS (default 256), BENCH_DEVICES.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { generateProducerKeys, signLicense } from '../dist/licensing/license-file.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 15);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 256);
const devices = Number(process.env.BENCH_DEVICES ?? 10_000);
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
const device = () => ({ hostId: { value: `bench-${seq % devices}`, type: 'STRING' }, alias: 'bench-host', user: 'bench' });

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

/** CPU seconds a process has used (user + system), from /proc. */
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function measure(name, child, url, path) {
  await load(url, path); // warm-up, discarded
  const server0 = cpuSeconds(child.pid);
  const client0 = process.cpuUsage();
  const result = await load(url, path);
  const client = process.cpuUsage(client0);
  return {
    ...summary(name, result),
    serverCpu: `${((cpuSeconds(child.pid) - server0) / seconds).toFixed(2)} cores`,
    clientCpu: `${((client.user + client.system) / 1e6 / seconds).toFixed(2)} cores`,
  };
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
  const tally = await measure('tally capability (request+return, durable)', server.child, server.url, '/api/1.0/instances/~/capability');
  await stop(server.child);

  const bare = await start(process.execPath, ['bench/bare-server.mjs']);
  const baseline = await measure('bare fastify JSON endpoint', bare.child, bare.url, '/echo');
  await stop(bare.child);

  const ratio = tally.requestsPerSecond / baseline.requestsPerSecond;
  console.table([tally, baseline]);
  console.log(`${connections} connections, ${devices} devices, ${seconds}s per run after a warm-up run of the same length; ratio tally/bare = ${(ratio * 100).toFixed(1)} %`);
  console.log(`targets: >= 10000 req/s (${tally.requestsPerSecond >= 10_000 ? 'met' : 'MISSED'}), >= 50 % of bare (${ratio >= 0.5 ? 'met' : 'MISSED'})`);
  if (tally.non2xx > 0 || tally.errors > 0) console.log(`warning: ${tally.non2xx} non-2xx answers and ${tally.errors} errors during the tally run`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
