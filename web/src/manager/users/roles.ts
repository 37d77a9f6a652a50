import type { Role } from '../../../../src/auth/admin-security.js';

/** Every role, in the order a person picks from, with what it may do. */
export const ROLE_CHOICES: Array<{ role: Role; label: string; may: string }> = [
  { role: 'admin', label: 'Administrator', may: 'May do everything, including users and properties.' },
  { role: 'read-only', label: 'Read-only', may: 'Sees every view, changes nothing.' },
  { role: 'reservations', label: 'Reservations', may: 'Sees every view; manages reservations and the pool model.' },
];

/** A back office's own role: a user who sees the usage report of one account only. */
export const ACCOUNT_VIEWER_CHOICE = { role: 'account-viewer', label: 'Account viewer', may: "Sees the usage report of one account only; nothing else." } as const satisfies { role: Role; label: string; may: string };

export function roleLabel(role: Role, account?: string | null): string {
  const label = [...ROLE_CHOICES, ACCOUNT_VIEWER_CHOICE].find((c) => c.role === role)?.label ?? role;
  return account ? `${label} of ${account}` : label;
}
