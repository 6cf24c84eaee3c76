/** Who may do what. Every route lists the roles it allows; `admin` is listed explicitly where it may act. */
export const ROLES = ['analyst', 'duty_officer', 'leadership', 'admin', 'ingest'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
