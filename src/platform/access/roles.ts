export const ROLES = ['admin', 'fm_manager', 'account_manager', 'client_viewer', 'device'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling: the role, and the one client it may see (null: every client, admins only). */
export interface Principal {
  role: Role;
  clientId: string | null;
  keyId: string | null;
}

export const isRole = (value: string): value is Role => (ROLES as readonly string[]).includes(value);
