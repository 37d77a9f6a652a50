import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestBackoffice } from '../../support/test-backoffice.js';
import { startTestBackoffice } from '../../support/test-backoffice.js';

const SYNC = '/usage/api/1.0/sync';
const SIZE = 23 * 1024 * 1024;
const CHUNK = 64 * 1024;

interface Answer {
  status: number;
  body: any;
  /** Bytes of the body written when the answer came. */
  sentWhenAnswered: number;
}

/**
 * Declares a large body and sends it a chunk at a time, yielding between chunks, until the
 * server answers: a server that answers before reading the body answers after the first few
 * chunks; one that buffers the body first answers only once it has all of it.
 */
function sendLargeBody(url: string, path: string, headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered: number | null = null;
    const req = httpRequest(url + path, { method: 'POST', headers: { 'content-length': String(SIZE), ...headers } });
    req.on('response', (res) => {
      answered = sent;
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        req.destroy();
        resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : null, sentWhenAnswered: answered! });
      });
    });
    // A server that closes the connection after answering cuts the rest of the body short.
    req.on('error', (error) => {
      if (answered === null) reject(error);
    });
    const filler = Buffer.alloc(CHUNK, 0x20);
    filler.write('{"instanceId":"x","events":[');
    const next = () => {
      if (answered !== null || req.destroyed) return;
      if (sent >= SIZE) {
        req.end();
        return;
      }
      const chunk = sent === 0 ? filler : Buffer.alloc(Math.min(CHUNK, SIZE - sent), 0x20);
      sent += chunk.length;
      req.write(chunk, () => setImmediate(next));
    };
    next();
  });
}

describe('ingest authenticates the caller before it reads the body', () => {
  let bo: TestBackoffice;
  beforeAll(async () => {
    bo = await startTestBackoffice();
  });
  afterAll(async () => bo.stop());

  it('answers four large sync bodies without a credential 401 before they are sent, without buffering them', async () => {
    for (const headers of [{}, { authorization: 'Bearer tally_guess' }, {}, { authorization: 'Basic YWRtaW46YWRtaW4=' }] as Array<Record<string, string>>) {
      const answer = await sendLargeBody(bo.url, SYNC, { 'content-type': 'application/json', ...headers });
      expect(answer.status).toBe(401);
      expect(answer.sentWhenAnswered).toBeLessThan(SIZE / 4);
    }
  });

  it('answers an invalid sync body without a credential 401, with nothing about the schema', async () => {
    const res = await bo.call('POST', SYNC, { events: 'not a list', colour: 'red' });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('UNAUTHORIZED');
    expect(res.body.error.details).toEqual([]);
    expect(JSON.stringify(res.body)).not.toMatch(/events|colour|instanceId/);
  });

  it('answers a large import upload without a login 401 before it is sent', async () => {
    const { instanceId } = await bo.register('acme');
    const answer = await sendLargeBody(bo.url, `/api/1.0/backoffice/instances/${instanceId}/imports?format=flexlm`, { 'content-type': 'application/octet-stream' });
    expect(answer.status).toBe(401);
    expect(answer.sentWhenAnswered).toBeLessThan(SIZE / 4);
  });
});
