// The baseline: a bare Fastify JSON endpoint with nothing behind it, on the same machine.
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.post('/echo', async (request) => ({ ok: true, received: Array.isArray(request.body?.features) ? request.body.features.length : 0 }));
await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`listening on http://127.0.0.1:${app.server.address().port}\n`);
