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

/** A small client of the license server API: what the CLI, tests and benchmarks use. */
export class LicenseClient {
  private token: string | undefined;

  constructor(
    readonly baseUrl: string,
    token?: string,
  ) {
    this.token = token;
  }

  capability(body: CapabilityBody): Promise<CapabilityResponse> {
    return this.call('POST', '/api/1.0/instances/~/capability', body);
  }

  async authorize(user: string, password: string): Promise<{ token: string; role: string }> {
    const result = await this.call<{ token: string; role: string }>('POST', '/api/1.0/instances/~/authorize', { user, password });
    this.token = result.token;
    return result;
  }

  licenses(): Promise<{ licenses: LicenseSummary[]; setAside: SetAsideLicense[] }> {
    return this.call('GET', '/api/1.0/instances/~/licenses');
  }

  loadLicense(file: unknown): Promise<{ license: LicenseSummary; replaced: boolean }> {
    return this.call('POST', '/api/1.0/instances/~/licenses', file);
  }

  removeLicense(licenseId: string): Promise<null> {
    return this.call('DELETE', `/api/1.0/instances/~/licenses/${encodeURIComponent(licenseId)}`);
  }

  /** Any JSON call; refusals come back as ApiError. */
  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    const response = await fetch(new URL(path, this.baseUrl), {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
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
