import { Client } from '@hubspot/api-client';
import type { HubspotSettings } from '../../core/integrations/connection-schema.ts';
import type { CrmCompany, CrmContact, CrmDeal, CrmOwner } from '../../core/integrations/crm-read-mapping.ts';
import type { CallGuard } from './call-guard.ts';
import { type CrmReader, type CrmReadObject, type CrmRecordOf, toIsoInstant } from './crm-reader.ts';

/** HubSpot's search returns at most 10,000 results per query; past that a read starts a new query from the last instant. */
const SEARCH_WINDOW = 10_000;

type Hit = { id: string; properties: Record<string, string | null>; updatedAt?: Date | string };

const str = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

/**
 * CRM read from HubSpot through @hubspot/api-client: owners (GET
 * /crm/v3/owners, paged by `after`), and companies, contacts and deals through
 * the search endpoints filtered `GTE` on the last-modified property
 * (`hs_lastmodifieddate`; contacts: `lastmodifieddate`) and sorted ascending
 * on it; a deal's company through the v4 associations batch read.
 */
export function createHubspotReader(
  settings: HubspotSettings,
  accessToken: string,
  guard: CallGuard,
): CrmReader {
  const client = new Client({
    accessToken,
    basePath: settings.baseUrl.replace(/\/$/, ''),
    numberOfApiCallRetries: 0,
  });
  const limit = Math.min(100, settings.read.pageSize ?? 100);
  const roleField = settings.read.roleField === undefined ? 'hs_buying_role' : settings.read.roleField;

  const spec = {
    companies: {
      api: () => client.crm.companies.searchApi,
      modified: 'hs_lastmodifieddate',
      properties: ['name', settings.domainField, 'hubspot_owner_id', 'hs_lastmodifieddate'],
    },
    contacts: {
      api: () => client.crm.contacts.searchApi,
      modified: 'lastmodifieddate',
      properties: [
        'email',
        'firstname',
        'lastname',
        'jobtitle',
        'associatedcompanyid',
        'lastmodifieddate',
        ...(roleField ? [roleField] : []),
      ],
    },
    deals: {
      api: () => client.crm.deals.searchApi,
      modified: 'hs_lastmodifieddate',
      properties: ['dealname', 'amount', 'closedate', 'dealstage', 'dealtype', 'hs_lastmodifieddate'],
    },
  } as const;

  async function* search(object: CrmReadObject, since: string | null): AsyncGenerator<Hit[]> {
    const s = spec[object];
    let from = since;
    let after: string | undefined;
    for (;;) {
      const request = {
        filterGroups: from
          ? [{ filters: [{ propertyName: s.modified, operator: 'GTE', value: String(Date.parse(from)) }] }]
          : [],
        sorts: [{ propertyName: s.modified, direction: 'ASCENDING' }],
        properties: [...s.properties],
        limit,
        ...(after ? { after } : {}),
      };
      const page = await guard.call(`POST /crm/v3/objects/${object}/search`, () =>
        s.api().doSearch(request as never),
      );
      const hits = page.results as unknown as Hit[];
      if (hits.length > 0) yield hits;
      const next = page.paging?.next?.after;
      if (!next || hits.length === 0) return;
      if (Number(next) + limit > SEARCH_WINDOW) {
        // the search window is spent: a new query from the last instant read (the cursor skips what was applied)
        const last = hits[hits.length - 1] as Hit;
        from = toIsoInstant(last.properties[s.modified] ?? last.updatedAt);
        after = undefined;
      } else after = next;
    }
  }

  const modifiedOf = (h: Hit, prop: string) => toIsoInstant(h.properties[prop] ?? h.updatedAt);

  return {
    vendor: 'HubSpot',
    async listOwners() {
      const out: CrmOwner[] = [];
      let after: string | undefined;
      do {
        const page = await guard.call('GET /crm/v3/owners', () =>
          client.crm.owners.ownersApi.getPage(undefined, after, 100, false),
        );
        for (const o of page.results)
          out.push({
            id: String(o.id),
            email: str(o.email),
            name: [o.firstName, o.lastName].filter(Boolean).join(' ') || null,
          });
        after = page.paging?.next?.after;
      } while (after);
      return out;
    },
    async *pages<O extends CrmReadObject>(object: O, since: string | null): AsyncGenerator<CrmRecordOf<O>[]> {
      for await (const hits of search(object, since)) {
        if (object === 'companies') {
          yield hits.map(
            (h): CrmCompany => ({
              id: h.id,
              modifiedAt: modifiedOf(h, 'hs_lastmodifieddate'),
              name: str(h.properties.name),
              domain: str(h.properties[settings.domainField]),
              ownerId: str(h.properties.hubspot_owner_id),
            }),
          ) as CrmRecordOf<O>[];
        } else if (object === 'contacts') {
          yield hits.map(
            (h): CrmContact => ({
              id: h.id,
              modifiedAt: modifiedOf(h, 'lastmodifieddate'),
              companyId: str(h.properties.associatedcompanyid),
              email: str(h.properties.email),
              name:
                [str(h.properties.firstname), str(h.properties.lastname)].filter(Boolean).join(' ') || null,
              title: str(h.properties.jobtitle),
              role: roleField ? str(h.properties[roleField]) : null,
            }),
          ) as CrmRecordOf<O>[];
        } else {
          const assoc = await guard.call('POST /crm/v4/associations/deals/companies/batch/read', () =>
            client.crm.associations.v4.batchApi.getPage('deals', 'companies', {
              inputs: hits.map((h) => ({ id: h.id })),
            }),
          );
          const companyOf = new Map<string, string>();
          for (const r of assoc.results) {
            const first = r.to[0];
            if (first) companyOf.set(String(r._from.id), String(first.toObjectId));
          }
          const won = new Set(settings.read.wonStages);
          const lost = new Set(settings.read.lostStages);
          yield hits.map((h): CrmDeal => {
            const stage = str(h.properties.dealstage) ?? '';
            const amount = str(h.properties.amount);
            return {
              id: h.id,
              modifiedAt: modifiedOf(h, 'hs_lastmodifieddate'),
              companyId: companyOf.get(h.id) ?? null,
              name: str(h.properties.dealname),
              amount: amount === null ? null : Number(amount),
              closeDate: str(h.properties.closedate)?.slice(0, 10) ?? null,
              stage: won.has(stage) ? 'won' : lost.has(stage) ? 'lost' : 'open',
              type: str(h.properties.dealtype),
            };
          }) as CrmRecordOf<O>[];
        }
      }
    },
  };
}
