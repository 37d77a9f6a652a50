import { createPrivateKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { SIGNATURE_HEADER, signCapability } from '../licensing/client-signature.js';
import type { ErrorBody } from '../common/errors.js';
import type { CapabilityBody, CapabilityResponse } from '../server/http/capability/schema.js';
import type { LicenseSummary, SetAsideLicense } from '../server/license-service.js';

export type { CapabilityBody, CapabilityResponse, LicenseSummary };
export type { DeviceIdentity } from '../server/http/capability/schema.js';

/** An error answer from a Tally server, with its code and the fields it names. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody | null,
  ) {
    super(body?.error.message ?? `HTTP ${status}`);
    this.name = 'ApiError';
  }
}

export interface LicenseClientOptions {
  /** PEM of the client private key (RSA, PKCS#8 or PKCS#1) that signs capability requests. */
  signingKey?: string;
  /** The cloud instance a back office hosts, by its ID; `~` (the default) is the server at the URL itself. */
  instance?: string;
}

/** A small client of the license server API: what the CLI, tests and benchmarks use. */
export class LicenseClient {
  private token: string | undefined;
  private readonly signingKey: KeyObject | null;
  /** Where the instance's API answers: `/api/1.0/instances/<instance>`. */
  private readonly api: string;

  constructor(
    readonly baseUrl: string,
    token?: string,
    options: LicenseClientOptions = {},
  ) {
    this.token = token;
    this.signingKey = options.signingKey ? createPrivateKey(options.signingKey) : null;
    this.api = `/api/1.0/instances/${encodeURIComponent(options.instance ?? '~')}`;
  }

  capability(body: CapabilityBody): Promise<CapabilityResponse> {
    const headers: Record<string, string> = this.signingKey ? { [SIGNATURE_HEADER]: signCapability(body, this.signingKey) } : {};
    return this.call('POST', `${this.api}/capability`, body, headers);
  }

  /** Sends a file as it is (application/octet-stream). */
  upload<T>(method: string, path: string, bytes: Uint8Array): Promise<T> {
    return this.send<T>(method, path, { 'content-type': 'application/octet-stream' }, bytes);
  }

  async authorize(user: string, password: string): Promise<{ token: string; role: string }> {
    const result = await this.call<{ token: string; role: string }>('POST', `${this.api}/authorize`, { user, password });
    this.token = result.token;
    return result;
  }

  licenses(): Promise<{ licenses: LicenseSummary[]; setAside: SetAsideLicense[] }> {
    return this.call('GET', `${this.api}/licenses`);
  }

  loadLicense(file: unknown): Promise<{ license: LicenseSummary; replaced: boolean }> {
    return this.call('POST', `${this.api}/licenses`, file);
  }

  removeLicense(licenseId: string): Promise<null> {
    return this.call('DELETE', `${this.api}/licenses/${encodeURIComponent(licenseId)}`);
  }

  /** Any JSON call; refusals come back as ApiError. */
  call<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    if (body === undefined) return this.send<T>(method, path, headers);
    return this.send<T>(method, path, { ...headers, 'content-type': 'application/json' }, JSON.stringify(body));
  }

  private async send<T>(method: string, path: string, headers: Record<string, string>, body?: string | Uint8Array): Promise<T> {
    if (this.token) headers = { ...headers, authorization: `Bearer ${this.token}` };
    const response = await fetch(new URL(path, this.baseUrl), { method, headers, ...(body === undefined ? {} : { body }) });
    const text = await response.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = null;
    }
    if (!response.ok) throw new ApiError(response.status, parsed as ErrorBody | null);
    return parsed as T;
  }
}
