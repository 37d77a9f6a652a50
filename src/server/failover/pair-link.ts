import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { TallyError } from '../../common/errors.js';

/** Header of a request between the two servers of a pair: `t=<ms>,n=<nonce>,s=<hmac>`. */
export const PAIR_REQUEST_HEADER = 'x-tally-pair';
/** Header of the answer: the HMAC of the answer, bound to the request's nonce. */
export const PAIR_ANSWER_HEADER = 'x-tally-pair-answer';

/** How far apart the two clocks may be, and how long a request's nonce is remembered. */
const WINDOW_MS = 5 * 60_000;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const hmac = (secret: string, text: string) => createHmac('sha256', secret).update(text).digest('hex');

function sameHex(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

function requestText(method: string, path: string, at: number, nonce: string, body: string): string {
  return `request\n${method.toUpperCase()}\n${path}\n${at}\n${nonce}\n${sha256(body)}`;
}

function answerText(status: number, nonce: string, body: string): string {
  return `answer\n${status}\n${nonce}\n${sha256(body)}`;
}

/** Signs a request to the peer; answers the header value and the nonce its answer is bound to. */
export function signRequest(secret: string, method: string, path: string, body: string, at: number): { header: string; nonce: string } {
  const nonce = randomBytes(16).toString('hex');
  return { header: `t=${at},n=${nonce},s=${hmac(secret, requestText(method, path, at, nonce, body))}`, nonce };
}

export function signAnswer(secret: string, status: number, nonce: string, body: string): string {
  return hmac(secret, answerText(status, nonce, body));
}

export function answerVerifies(secret: string, status: number, nonce: string, body: string, header: string | null): boolean {
  return header !== null && sameHex(header, signAnswer(secret, status, nonce, body));
}

/**
 * Checks requests from the peer: signed with the pair's secret, recent, and never seen before
 * (a replayed heartbeat could otherwise keep a backup from taking over).
 */
export class PairGuard {
  private readonly seen = new Map<string, number>();

  constructor(private readonly secret: string) {}

  /** Answers the request's nonce, or throws 401 saying what is wrong. */
  check(method: string, path: string, body: string, header: string | undefined, now: number): string {
    const fields = Object.fromEntries((header ?? '').split(',').map((part) => part.split('=', 2) as [string, string]));
    const at = Number(fields.t);
    const nonce = fields.n ?? '';
    const refuse = (message: string) => new TallyError('UNAUTHORIZED', message, [{ field: `headers.${PAIR_REQUEST_HEADER}`, message }]);
    if (!header || !Number.isFinite(at) || !/^[0-9a-f]{32}$/.test(nonce) || !fields.s) throw refuse('is missing or malformed: only the other server of the failover pair may call this');
    if (Math.abs(now - at) > WINDOW_MS) throw refuse('is too old or from the future: the two servers\u2019 clocks differ by more than 5 minutes, or the request was replayed');
    if (!sameHex(fields.s, hmac(this.secret, requestText(method, path, at, nonce, body)))) throw refuse('does not verify with the pair secret');
    this.forget(now);
    if (this.seen.has(nonce)) throw refuse('was already used: the request was replayed');
    this.seen.set(nonce, at);
    return nonce;
  }

  private forget(now: number): void {
    for (const [nonce, at] of this.seen) if (now - at > WINDOW_MS) this.seen.delete(nonce);
  }
}

/** What the peer answered: its status and parsed body, once the answer's signature verified. */
export interface PeerAnswer {
  status: number;
  body: unknown;
}

/** Calls the peer with signed requests, and refuses answers not signed with the pair's secret. */
export class PeerClient {
  constructor(
    private readonly baseUrl: string,
    private readonly secret: string,
    private readonly now: () => number,
  ) {}

  get url(): string {
    return this.baseUrl;
  }

  async call(method: string, path: string, body: unknown, timeoutMs: number): Promise<PeerAnswer> {
    const text = JSON.stringify(body ?? {});
    const { header, nonce } = signRequest(this.secret, method, path, text, this.now());
    const res = await fetch(new URL(path, this.baseUrl), {
      method,
      headers: { 'content-type': 'application/json', [PAIR_REQUEST_HEADER]: header },
      body: text,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const answer = await res.text();
    if (!answerVerifies(this.secret, res.status, nonce, answer, res.headers.get(PAIR_ANSWER_HEADER))) {
      throw new Error(`the peer at ${this.baseUrl} answered ${res.status} without a valid pair signature (another server, or another secret)`);
    }
    return { status: res.status, body: answer ? JSON.parse(answer) : null };
  }
}
