export const ROLES = ['admin', 'fm_manager', 'account_manager', 'client_viewer', 'device'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling: the role, and the one client it may see (null: every client, admins only). */
export interface Principal {
  role: Role;
  clientId: string | null;
  /** The one site of that client it may see (device keys: a cleaner's handheld, on the routes that allow it); null: every site of the client. */
  siteId: string | null;
  keyId: string | null;
}

/** Whether the caller may see a row of this client and site. */
export const sees = (who: Principal, row: { clientId: string; siteId: string }): boolean =>
  (who.clientId === null || who.clientId === row.clientId) && (who.siteId === null || who.siteId === row.siteId);

export const isRole = (value: string): value is Role => (ROLES as readonly string[]).includes(value);

/** Roles that see who cleaned (a cleaner's check-in tag); the others see a pseudonym. */
const STAFF_TAG_ROLES: readonly Role[] = ['admin', 'fm_manager'];
export const seesStaffTags = (role: Role): boolean => STAFF_TAG_ROLES.includes(role);
