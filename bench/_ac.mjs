import autocannon from 'autocannon';
let seq = 0;
const r = await autocannon({ url: 'http://127.0.0.1:7272', connections: 128, duration: 6, requests: [
 { method: 'POST', path: process.env.P ?? '/api/1.0/instances/~/capability', headers: { 'content-type': 'application/json' }, setupRequest: (req, ctx) => { seq++; ctx.d = { hostId: { value: `b-${seq % 100000}`, type: 'STRING' } }; return { ...req, body: JSON.stringify({ device: ctx.d, features: [{ name: 'bench', version: '1.0', count: 1 }] }) }; } },
]});
console.log('rps', r.requests.average, r.non2xx);
