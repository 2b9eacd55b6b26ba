import { HttpTestServer, type RecordedRequest, type Reply } from './http-test-server.ts';

/**
 * HubSpot CRM v3 as far as Vigil uses it, answering with the shapes of
 * HubSpot's API reference: company properties (list, create), company search
 * (filterGroups, paging.next.after) and batch update (200 COMPLETE, or 207
 * with `errors[]` per category and `context.ids`), and the error body
 * `{ status: 'error', message, correlationId, category }`. For CRM read:
 * search on companies, contacts and deals (filters IN / EQ / GTE, sorts,
 * `after` paging, the 10,000-result window), owners (GET /crm/v3/owners) and
 * the v4 associations batch read (deals → companies).
 */
export class HubspotTestServer extends HttpTestServer {
  readonly companies = new Map<string, Record<string, string>>();
  readonly properties = new Map<
    string,
    { name: string; type: string; fieldType: string; groupName: string; label: string }
  >();
  token = 'pat-na1-test';
  /** CRM read: contacts and deals by id (properties as HubSpot stores them), owners, deal → company. */
  readonly contacts = new Map<string, Record<string, string>>();
  readonly deals = new Map<string, Record<string, string>>();
  readonly owners: { id: string; email: string; firstName: string; lastName: string }[] = [];
  readonly dealCompany = new Map<string, string>();
  /** Ids of records deleted (archived) in HubSpot: search no longer finds them. */
  readonly deleted = new Set<string>();

  private objectsOf(o: 'companies' | 'contacts' | 'deals') {
    return o === 'companies' ? this.companies : o === 'contacts' ? this.contacts : this.deals;
  }

  constructor() {
    super((r) => this.answer(r));
    for (const name of ['name', 'domain', 'hs_object_id'])
      this.properties.set(name, {
        name,
        type: 'string',
        fieldType: 'text',
        groupName: 'companyinformation',
        label: name,
      });
  }

  private answer(r: RecordedRequest): Reply {
    if (r.headers.authorization !== `Bearer ${this.token}`)
      return {
        status: 401,
        body: {
          status: 'error',
          message: 'Authentication credentials not found. This API supports OAuth 2.0 authentication.',
          correlationId: 'c0ffee00-0000-4000-8000-000000000001',
          category: 'INVALID_AUTHENTICATION',
        },
      };
    const now = new Date().toISOString();
    if (r.method === 'GET' && r.path === '/crm/v3/properties/companies')
      return {
        status: 200,
        body: { results: [...this.properties.values()].map((p) => ({ ...p, description: '', options: [] })) },
      };
    if (r.method === 'POST' && r.path === '/crm/v3/properties/companies') {
      const p = JSON.parse(r.body) as {
        name: string;
        type: string;
        fieldType: string;
        groupName: string;
        label: string;
      };
      if (this.properties.has(p.name))
        return {
          status: 409,
          body: {
            status: 'error',
            message: `Property named '${p.name}' already exists.`,
            category: 'OBJECT_ALREADY_EXISTS',
            correlationId: 'x',
          },
        };
      this.properties.set(p.name, p);
      return { status: 201, body: { ...p, description: '', options: [], createdAt: now, updatedAt: now } };
    }
    const search = /^\/crm\/v3\/objects\/(companies|contacts|deals)\/search$/.exec(r.path);
    if (r.method === 'POST' && search) {
      const q = JSON.parse(r.body) as {
        filterGroups?: {
          filters: { propertyName: string; operator: string; values?: string[]; value?: string }[];
        }[];
        sorts?: ({ propertyName: string; direction?: string } | string)[];
        properties?: string[];
        limit?: number;
        after?: string;
      };
      const store = this.objectsOf(search[1] as 'companies' | 'contacts' | 'deals');
      const asTime = (v: string | undefined) => {
        const n = Number(v);
        return Number.isFinite(n) ? n : Date.parse(v ?? '');
      };
      const holds = (
        p: Record<string, string>,
        f: { propertyName: string; operator: string; values?: string[]; value?: string },
      ) => {
        const v = p[f.propertyName] ?? '';
        if (f.operator === 'IN')
          return (f.values ?? []).map((x) => x.toLowerCase()).includes(v.toLowerCase());
        if (f.operator === 'EQ') return v.toLowerCase() === (f.value ?? '').toLowerCase();
        if (f.operator === 'GTE') return asTime(v) >= asTime(f.value);
        if (f.operator === 'GT') return asTime(v) > asTime(f.value);
        throw new Error(`test server: operator ${f.operator} not implemented`);
      };
      const groups = q.filterGroups ?? [];
      let all = [...store.entries()].filter(
        ([id, p]) =>
          !this.deleted.has(id) &&
          (groups.length === 0 || groups.some((g) => g.filters.every((f) => holds(p, f)))),
      );
      const sort = q.sorts?.[0];
      if (sort) {
        const prop = typeof sort === 'string' ? sort.replace(/^-/, '') : sort.propertyName;
        const desc = typeof sort === 'string' ? sort.startsWith('-') : sort.direction === 'DESCENDING';
        all = all.sort(([, a], [, b]) => (asTime(a[prop]) - asTime(b[prop])) * (desc ? -1 : 1));
      }
      const start = Number(q.after ?? 0);
      if (start >= 10_000)
        return {
          status: 400,
          body: {
            status: 'error',
            message: 'Search results are limited to 10,000',
            category: 'VALIDATION_ERROR',
            correlationId: 'x',
          },
        };
      const limit = Math.min(q.limit ?? 10, 200);
      if (limit > 100)
        return {
          status: 400,
          body: {
            status: 'error',
            message: 'limit must be at most 100',
            category: 'VALIDATION_ERROR',
            correlationId: 'x',
          },
        };
      const page = all.slice(start, start + limit);
      return {
        status: 200,
        body: {
          total: all.length,
          results: page.map(([id, p]) => ({
            id,
            properties: Object.fromEntries((q.properties ?? []).map((k) => [k, p[k] ?? null])),
            createdAt: now,
            updatedAt: p.hs_lastmodifieddate ?? p.lastmodifieddate ?? now,
            archived: false,
          })),
          ...(start + limit < all.length
            ? { paging: { next: { after: String(start + limit), link: '' } } }
            : {}),
        },
      };
    }
    if (r.method === 'GET' && r.path.replace(/\/$/, '') === '/crm/v3/owners') {
      const start = Number(r.query.get('after') ?? 0);
      const limit = Number(r.query.get('limit') ?? 100);
      const page = this.owners.slice(start, start + limit);
      return {
        status: 200,
        body: {
          results: page.map((o) => ({
            id: o.id,
            email: o.email,
            type: 'PERSON',
            firstName: o.firstName,
            lastName: o.lastName,
            userId: Number(o.id) + 1,
            userIdIncludingInactive: Number(o.id) + 1,
            createdAt: now,
            updatedAt: now,
            archived: false,
          })),
          ...(start + limit < this.owners.length
            ? { paging: { next: { after: String(start + limit), link: '' } } }
            : {}),
        },
      };
    }
    if (r.method === 'POST' && r.path === '/crm/v4/associations/deals/companies/batch/read') {
      const { inputs } = JSON.parse(r.body) as { inputs: { id: string }[] };
      return {
        status: 200,
        body: {
          status: 'COMPLETE',
          results: inputs
            .filter((i) => this.dealCompany.has(i.id))
            .map((i) => ({
              from: { id: i.id },
              to: [
                {
                  toObjectId: Number(this.dealCompany.get(i.id)),
                  associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 5, label: 'Primary' }],
                },
              ],
            })),
          startedAt: now,
          completedAt: now,
        },
      };
    }
    if (r.method === 'POST' && r.path === '/crm/v3/objects/companies/batch/update') {
      const { inputs } = JSON.parse(r.body) as {
        inputs: { id: string; properties: Record<string, string> }[];
      };
      if (inputs.length > 100)
        return {
          status: 400,
          body: {
            status: 'error',
            message: 'Batch input cannot exceed 100 inputs',
            category: 'VALIDATION_ERROR',
            correlationId: 'x',
          },
        };
      const unknownProp = inputs
        .flatMap((i) => Object.keys(i.properties))
        .find((k) => !this.properties.has(k));
      if (unknownProp)
        return {
          status: 400,
          body: {
            status: 'error',
            message: `Property values were not valid: [{"isValid":false,"message":"Property \\"${unknownProp}\\" does not exist","error":"PROPERTY_DOESNT_EXIST","name":"${unknownProp}"}]`,
            category: 'VALIDATION_ERROR',
            correlationId: 'x',
          },
        };
      const results: unknown[] = [];
      const missing: string[] = [];
      for (const i of inputs) {
        const c = this.companies.get(i.id);
        if (!c) {
          missing.push(i.id);
          continue;
        }
        Object.assign(c, i.properties);
        results.push({
          id: i.id,
          properties: { ...i.properties, hs_object_id: i.id },
          createdAt: now,
          updatedAt: now,
          archived: false,
        });
      }
      const base = { status: 'COMPLETE', results, requestedAt: now, startedAt: now, completedAt: now };
      if (missing.length === 0) return { status: 200, body: base };
      return {
        status: 207,
        body: {
          ...base,
          numErrors: 1,
          errors: [
            {
              status: 'error',
              category: 'OBJECT_NOT_FOUND',
              message:
                'Could not get some COMPANY objects, they may be deleted or not exist. Check that ids are valid.',
              context: { ids: missing },
            },
          ],
        },
      };
    }
    return {
      status: 404,
      body: {
        status: 'error',
        message: `no route ${r.method} ${r.path}`,
        category: 'OBJECT_NOT_FOUND',
        correlationId: 'x',
      },
    };
  }
}

/** HubSpot's 429 body (its documented rate-limit error) with a Retry-After header. */
export const hubspot429 = (retryAfter: string): Reply => ({
  status: 429,
  headers: { 'Retry-After': retryAfter },
  body: {
    status: 'error',
    message: 'You have reached your ten_secondly_rolling limit.',
    errorType: 'RATE_LIMIT',
    correlationId: 'x',
    policyName: 'TEN_SECONDLY_ROLLING',
  },
});
