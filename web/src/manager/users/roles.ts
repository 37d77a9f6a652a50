import type { Role } from '../../../../src/auth/admin-security.js';

/** Every role, in the order a person picks from, with what it may do. */
export const ROLE_CHOICES: Array<{ role: Role; label: string; may: string }> = [
  { role: 'admin', label: 'Administrator', may: 'May do everything, including users and properties.' },
  { role: 'read-only', label: 'Read-only', may: 'Sees every view, changes nothing.' },
  { role: 'reservations', label: 'Reservations', may: 'Sees every view; manages reservations and the pool model.' },
];

export function roleLabel(role: Role): string {
  return ROLE_CHOICES.find((c) => c.role === role)?.label ?? role;
}
