import { z } from 'zod';

/** The portfolio sorts a view may keep (the portfolio page's sort menu). */
export const VIEW_SORTS = ['score', '-score', 'expansion', 'trend', '-arr', 'renewal', 'name'] as const;

/**
 * What a saved portfolio view remembers: the portfolio page's filters and sort, with the same
 * names as its URL (`#/?band=critical&segment=enterprise`) and as `GET /v1/accounts`.
 */
export const viewFiltersSchema = z
  .object({
    band: z.enum(['healthy', 'at-risk', 'critical', 'unscored', 'churned']).optional(),
    segment: z.string().min(1).max(100).optional(),
    owner: z.string().min(1).max(200).optional(),
    renewalWithinDays: z.number().int().min(0).max(3650).optional(),
    q: z.string().min(1).max(200).optional(),
    sort: z.enum(VIEW_SORTS).optional(),
  })
  .strict();
export type ViewFilters = z.infer<typeof viewFiltersSchema>;

export type SavedView = {
  id: string;
  name: string;
  filters: ViewFilters;
  /** Built-in views come with Vigil, are the same for everyone and cannot be deleted. */
  builtIn: boolean;
  owner: string | null;
};

/**
 * The views every user has. "My renewals" needs no owner filter: the portfolio a user sees is
 * already their book (a CSM's accounts, a manager's team, everything for an admin).
 */
export const BUILT_IN_VIEWS: readonly SavedView[] = [
  {
    id: 'builtin-renewals-90',
    name: 'My renewals in 90 days',
    filters: { renewalWithinDays: 90, sort: 'renewal' },
    builtIn: true,
    owner: null,
  },
  {
    id: 'builtin-critical-enterprise',
    name: 'Critical enterprise',
    filters: { band: 'critical', segment: 'enterprise', sort: '-arr' },
    builtIn: true,
    owner: null,
  },
];
