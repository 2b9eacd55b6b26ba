/** The roles of Vigil's users (who sees which account is decided in `visibleAccountFilter`). */
export const ROLES = ['admin', 'manager', 'csm'] as const;
export type Role = (typeof ROLES)[number];

/** Who is asking: every account-scoped query and use-case takes one. */
export type Viewer = { userId: string; role: Role };
