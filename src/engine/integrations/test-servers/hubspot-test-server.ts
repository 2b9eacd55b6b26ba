import { HttpTestServer, type RecordedRequest, type Reply } from './http-test-server.ts';

/**
 * HubSpot CRM v3 as far as Vigil uses it, answering with the shapes of
 * HubSpot's API reference: company properties (list, create), company search
 * (filterGroups, paging.next.after) and batch update (200 COMPLETE, or 207
 * with `errors[]` per category and `context.ids`), and the error body
 * `{ status: 'error', message, correlationId, category }`.
 */
export class HubspotTestServer extends HttpTestServer {
  readonly companies = new Map<string, Record<string, string>>();
  readonly properties = new Map<
    string,
    { name: string; type: string; fieldType: string; groupName: string; label: string }
  >();
  token = 'pat-na1-test';

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
    if (r.method === 'POST' && r.path === '/crm/v3/objects/companies/search') {
      const q = JSON.parse(r.body) as {
        filterGroups: {
          filters: { propertyName: string; operator: string; values?: string[]; value?: string }[];
        }[];
        properties?: string[];
        limit?: number;
        after?: string;
      };
      const f = q.filterGroups[0]?.filters[0];
      const values = new Set((f?.values ?? (f?.value ? [f.value] : [])).map((v) => v.toLowerCase()));
      const all = [...this.companies.entries()].filter(
        ([, p]) => f && values.has((p[f.propertyName] ?? '').toLowerCase()),
      );
      const start = Number(q.after ?? 0);
      const limit = q.limit ?? 10;
      const page = all.slice(start, start + limit);
      return {
        status: 200,
        body: {
          total: all.length,
          results: page.map(([id, p]) => ({
            id,
            properties: Object.fromEntries((q.properties ?? []).map((k) => [k, p[k] ?? null])),
            createdAt: now,
            updatedAt: now,
            archived: false,
          })),
          ...(start + limit < all.length
            ? { paging: { next: { after: String(start + limit), link: '' } } }
            : {}),
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
