/**
 * Hostid types a device may identify itself with. The names are the ones license servers and
 * their clients use on the wire; an unknown type is refused, not guessed.
 */
export const HOSTID_TYPES = [
  'ETHERNET',
  'STRING',
  'USER',
  'HOSTNAME',
  'VM_UUID',
  'CONTAINER_ID',
  'INTERNET',
  'INTERNET6',
  'LONGHOSTID',
  'DISPLAY',
  'HOSTDOMAIN',
  'COMPOSITE',
  'VENDOR',
  'FLEXID',
  'VSN',
  'AMAZON_EIP',
  'AMAZON_AMI',
  'AMAZON_IID',
  'PUBLISHER_DEFINED',
  'EXTENDED',
  'TOLERANT',
] as const;

export type HostIdType = (typeof HOSTID_TYPES)[number];

/** What kind of machine the device is, as the Devices view shows it. */
export const DEVICE_TYPES = ['PHYSICAL', 'VIRTUAL', 'CONTAINER', 'UNKNOWN'] as const;
export type DeviceType = (typeof DEVICE_TYPES)[number];

export interface HostId {
  value: string;
  type: HostIdType;
}

/** A client device as it describes itself in a capability request. */
export interface Device {
  hostId: HostId;
  deviceType: DeviceType;
  /** The role of the requester, e.g. FLX_CLIENT; rules of access can match on it. */
  hostType: string;
  /** A human-readable name, usually the host name. */
  alias: string | null;
  user: string | null;
  vendorDictionary: Record<string, string | number>;
}

/**
 * The key a device's holdings are stored under. ETHERNET addresses are compared without case
 * and separators, since clients write the same MAC as 7200014F5DF0, 72:00:01:4f:5d:f0 or
 * 72-00-01-4F-5D-F0.
 */
export function deviceKey(hostId: HostId): string {
  return `${hostId.type}:${normalizeHostIdValue(hostId)}`;
}

/** The hostid value in the form it is compared and stored in. */
export function normalizeHostIdValue(hostId: HostId): string {
  if (hostId.type === 'ETHERNET') return hostId.value.replace(/[:\-.]/g, '').toUpperCase();
  return hostId.value;
}
