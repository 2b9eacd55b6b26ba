import { Client } from '@hubspot/api-client';
import { AppError } from '../../core/errors.ts';
import type { HubspotSettings, PushField } from '../../core/integrations/connection-schema.ts';
import { normalizeDomain } from '../../core/integrations/crm-record-match.ts';
import type { CallGuard } from './call-guard.ts';
import { type CrmRecordUpdate, type CrmWriter, FIELD_LABELS, NUMBER_FIELDS } from './crm-writer.ts';

/** HubSpot's batch endpoints take at most 100 inputs. */
const BATCH = 100;

type HubspotError = { code?: number; body?: unknown; headers?: Record<string, string> };

/** The vendor's own message of a HubSpot API error, for the sync log. */
export function hubspotMessage(e: unknown): string {
  const h = e as HubspotError;
  if (typeof h?.code === 'number') {
    const body = (typeof h.body === 'string' ? safeJson(h.body) : h.body) as {
      message?: string;
      category?: string;
    } | null;
    const msg = body?.message ?? 'no message';
    if (h.code === 401)
      return `HubSpot rejected the access token (401 ${body?.category ?? ''}): ${msg}; update the connection's accessToken`.replace(
        '  ',
        ' ',
      );
    if (h.code === 403)
      return `HubSpot refused (403): ${msg}; the private app needs the crm.objects.companies.write and crm.schemas.companies.write scopes`;
    return `HubSpot answered ${h.code}: ${msg}`;
  }
  return (e as Error)?.message ?? String(e);
}

const safeJson = (s: string) => {
  try {
    return JSON.parse(s) as unknown;
  } catch {
    return null;
  }
};

export const hubspotRetryAfter = (e: unknown): number | null => {
  const h = e as HubspotError;
  if (h?.code !== 429) return null;
  const v = h.headers?.['retry-after'] ?? h.headers?.['Retry-After'];
  const n = Number(v);
  return v !== undefined && Number.isFinite(n) ? n : 1;
};

/** CRM write-back to HubSpot companies through @hubspot/api-client (batch update, properties, search). */
export function createHubspotWriter(
  settings: HubspotSettings,
  accessToken: string,
  guard: CallGuard,
): CrmWriter {
  const client = new Client({
    accessToken,
    basePath: settings.baseUrl.replace(/\/$/, ''),
    numberOfApiCallRetries: 0,
  });
  return {
    vendor: 'HubSpot',
    nullAs: '',
    async ensureFields(fields, dryRun) {
      const existing = await guard.call('GET /crm/v3/properties/companies', () =>
        client.crm.properties.coreApi.getAll('companies'),
      );
      const have = new Set(existing.results.map((p) => p.name));
      const missing = (Object.entries(fields) as [PushField, string][]).filter(([, name]) => !have.has(name));
      if (missing.length === 0 || dryRun) return missing.map(([, n]) => n);
      if (!settings.createProperties)
        throw new AppError(
          'BAD_INPUT',
          `HubSpot has no company properties ${missing.map(([, n]) => n).join(', ')} and createProperties is off`,
        );
      for (const [field, name] of missing) {
        const numeric = NUMBER_FIELDS.includes(field);
        await guard.call(`POST /crm/v3/properties/companies (${name})`, () =>
          client.crm.properties.coreApi.create('companies', {
            name,
            label: FIELD_LABELS[field],
            groupName: settings.propertyGroup,
            type: (numeric ? 'number' : 'string') as never,
            fieldType: (numeric ? 'number' : 'text') as never,
            description: 'Written by Vigil (customer health).',
          }),
        );
      }
      return missing.map(([, n]) => n);
    },
    async findByDomains(domains) {
      const out = new Map<string, string[]>();
      for (let i = 0; i < domains.length; i += BATCH) {
        const chunk = domains.slice(i, i + BATCH);
        let after: string | undefined;
        do {
          const page = await guard.call('POST /crm/v3/objects/companies/search', () =>
            client.crm.companies.searchApi.doSearch({
              filterGroups: [
                { filters: [{ propertyName: settings.domainField, operator: 'IN' as never, values: chunk }] },
              ],
              properties: [settings.domainField],
              limit: 100,
              ...(after ? { after } : {}),
            }),
          );
          for (const r of page.results) {
            const d = normalizeDomain(r.properties[settings.domainField]);
            if (d) out.set(d, [...(out.get(d) ?? []), r.id]);
          }
          after = page.paging?.next?.after;
        } while (after);
      }
      return out;
    },
    async write(updates: CrmRecordUpdate[], onChunk) {
      for (let i = 0; i < updates.length; i += BATCH) {
        const chunk = updates.slice(i, i + BATCH);
        const res = await guard.call('POST /crm/v3/objects/companies/batch/update', () =>
          client.crm.companies.batchApi.update({
            inputs: chunk.map((u) => ({
              id: u.crmId,
              properties: Object.fromEntries(
                Object.entries(u.properties).map(([k, v]) => [k, v === null ? '' : String(v)]),
              ),
            })),
          }),
        );
        const failed: { crmId: string; error: string }[] = [];
        const failedIds = new Set<string>();
        for (const err of (
          res as { errors?: { category?: string; message?: string; context?: Record<string, string[]> }[] }
        ).errors ?? []) {
          const ids = err.context?.ids ?? [];
          for (const id of ids) {
            failedIds.add(id);
            failed.push({ crmId: id, error: `${err.category ?? 'ERROR'}: ${err.message ?? ''}`.trim() });
          }
        }
        const confirmed = new Set(res.results.map((r) => r.id));
        const succeeded = chunk.map((u) => u.crmId).filter((id) => confirmed.has(id) && !failedIds.has(id));
        // an input neither confirmed nor named in an error is not counted as written
        for (const u of chunk)
          if (!confirmed.has(u.crmId) && !failedIds.has(u.crmId))
            failed.push({ crmId: u.crmId, error: 'not confirmed by HubSpot' });
        await onChunk({ succeeded, failed });
      }
    },
  };
}
