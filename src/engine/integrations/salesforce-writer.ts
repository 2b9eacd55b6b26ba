import type { QueryResult, Connection as SalesforceConnection } from 'jsforce';
import { AppError } from '../../core/errors.ts';
import type { SalesforceSettings } from '../../core/integrations/connection-schema.ts';
import { normalizeDomain, toSalesforceId18 } from '../../core/integrations/crm-record-match.ts';
import type { CallGuard } from './call-guard.ts';
import type { CrmRecordUpdate, CrmWriter } from './crm-writer.ts';

/** sObject Collections take at most 200 records per call. */
const COLLECTION_MAX = 200;

type SfError = { errorCode?: string; name?: string; message?: string };

export function salesforceMessage(e: unknown): string {
  const x = e as SfError;
  const code = x?.errorCode ?? x?.name;
  if (code === 'REFRESH_FAILED') return x.message ?? 'Salesforce token refresh failed';
  if (code === 'INVALID_SESSION_ID' || code === 'ERROR_HTTP_401')
    return `Salesforce rejected the access token (INVALID_SESSION_ID): ${x.message ?? ''}; the token was revoked or expired, update the connection's accessToken (or give it a refreshToken, clientSecret and settings.clientId so Vigil renews it)`;
  if (code === 'REQUEST_LIMIT_EXCEEDED')
    return `Salesforce org's API request limit is exceeded (REQUEST_LIMIT_EXCEEDED): ${x.message ?? ''}`;
  return code ? `Salesforce error ${code}: ${x.message ?? ''}` : ((e as Error)?.message ?? String(e));
}

/** jsforce hides the response headers of an error, so a 429 waits a fixed second and then backs off by the guard's tries. */
export const salesforceRetryAfter = (e: unknown, _now: Date): number | null => {
  const code = (e as SfError)?.errorCode;
  return code === 'ERROR_HTTP_429' ? 1 : null;
};

const soqlString = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/**
 * CRM write-back to Salesforce through jsforce: a describe call to check the
 * mapped fields exist (a missing field is an error naming it; Vigil does not
 * create Salesforce fields), SOQL for domain matching, sObject Collections for
 * small pushes and one Bulk API 2.0 ingest job for large ones (its records do
 * not count against the org's daily API request limit).
 */
export function createSalesforceWriter(
  settings: SalesforceSettings,
  conn: SalesforceConnection,
  guard: CallGuard,
): CrmWriter {
  const object = settings.object;
  return {
    vendor: 'Salesforce',
    nullAs: null,
    async ensureFields(fields) {
      const d = await guard.call(`GET sobjects/${object}/describe`, () => conn.sobject(object).describe());
      const byName = new Map(d.fields.map((f) => [f.name.toLowerCase(), f]));
      const problems: string[] = [];
      for (const name of Object.values(fields) as string[]) {
        const f = byName.get(name.toLowerCase());
        if (!f) problems.push(`${name} does not exist`);
        else if (!f.updateable) problems.push(`${name} is not updateable`);
      }
      if (problems.length > 0)
        throw new AppError(
          'BAD_INPUT',
          `Salesforce ${object}: ${problems.join('; ')}; create the field(s) in Salesforce (Setup → Object Manager → ${object} → Fields) or change the connection's field mapping`,
          { problems },
        );
      return [];
    },
    async findByDomains(domains) {
      const out = new Map<string, string[]>();
      for (let i = 0; i < domains.length; i += 50) {
        const chunk = domains.slice(i, i + 50);
        const where = chunk.map((d) => `${settings.domainField} LIKE ${soqlString(`%${d}%`)}`).join(' OR ');
        const soql = `SELECT Id, ${settings.domainField} FROM ${object} WHERE ${where}`;
        let res: QueryResult<Record<string, string>> = await guard.call(
          'GET query',
          async () => await conn.query<Record<string, string>>(soql),
        );
        for (;;) {
          for (const r of res.records) {
            const d = normalizeDomain(r[settings.domainField]);
            const id = r.Id ? toSalesforceId18(r.Id) : null;
            if (d && id && chunk.includes(d)) out.set(d, [...(out.get(d) ?? []), id]);
          }
          if (res.done || !res.nextRecordsUrl) break;
          const next = res.nextRecordsUrl;
          res = await guard.call(
            'GET query (next)',
            async () => await conn.queryMore<Record<string, string>>(next),
          );
        }
      }
      return out;
    },
    async write(updates: CrmRecordUpdate[], onChunk) {
      if (updates.length > settings.bulkThreshold) return bulkWrite(updates, onChunk);
      for (let i = 0; i < updates.length; i += COLLECTION_MAX) {
        const chunk = updates.slice(i, i + COLLECTION_MAX);
        const results = await guard.call('PATCH composite/sobjects', () =>
          conn.sobject(object).update(
            chunk.map((u) => ({ Id: u.crmId, ...u.properties })),
            { allOrNone: false },
          ),
        );
        const succeeded: string[] = [];
        const failed: { crmId: string; error: string }[] = [];
        chunk.forEach((u, k) => {
          const r = results[k] as
            | { success?: boolean; errors?: { statusCode?: string; message?: string; fields?: string[] }[] }
            | undefined;
          if (r?.success) succeeded.push(u.crmId);
          else
            failed.push({
              crmId: u.crmId,
              error:
                (r?.errors ?? [])
                  .map(
                    (e) =>
                      `${e.statusCode ?? 'ERROR'}: ${e.message ?? ''}${e.fields?.length ? ` (${e.fields.join(', ')})` : ''}`,
                  )
                  .join('; ') || 'not confirmed by Salesforce',
            });
        });
        await onChunk({ succeeded, failed });
      }
    },
  };

  async function bulkWrite(
    updates: CrmRecordUpdate[],
    onChunk: (r: { succeeded: string[]; failed: { crmId: string; error: string }[] }) => Promise<void>,
  ) {
    const columns = ['Id', ...new Set(updates.flatMap((u) => Object.keys(u.properties)))];
    // Bulk API CSV: an empty cell leaves a field as it is; #N/A sets it to null
    const cell = (v: string | number | null | undefined) => {
      if (v === null || v === undefined) return '#N/A';
      const s = String(v);
      return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
    };
    const csv = `${[columns.join(','), ...updates.map((u) => columns.map((c) => cell(c === 'Id' ? u.crmId : u.properties[c])).join(','))].join('\n')}\n`;
    const job = conn.bulk2.createJob({ object, operation: 'update', lineEnding: 'LF' });
    await guard.call('POST jobs/ingest', () => job.open());
    await guard.call(`PUT jobs/ingest/${job.id}/batches`, () => job.uploadData(csv));
    await guard.call(`PATCH jobs/ingest/${job.id} UploadComplete`, () => job.close());
    const deadline = Date.now() + settings.bulkTimeoutSeconds * 1000;
    for (;;) {
      const info = await guard.call(`GET jobs/ingest/${job.id}`, () => job.check());
      if (info.state === 'JobComplete') break;
      if (info.state === 'Failed' || info.state === 'Aborted')
        throw new AppError(
          'UNAVAILABLE',
          `Salesforce Bulk API job ${job.id} ${info.state}: ${info.errorMessage ?? 'no message'}`,
        );
      if (Date.now() > deadline)
        throw new AppError(
          'UNAVAILABLE',
          `Salesforce Bulk API job ${job.id} did not finish within ${settings.bulkTimeoutSeconds}s (state ${info.state})`,
        );
      await new Promise((r) => setTimeout(r, settings.bulkPollMs));
    }
    const ok = await guard.call(`GET jobs/ingest/${job.id}/successfulResults`, () =>
      job.getSuccessfulResults(),
    );
    const bad = await guard.call(`GET jobs/ingest/${job.id}/failedResults`, () => job.getFailedResults());
    const unprocessed = await guard.call(`GET jobs/ingest/${job.id}/unprocessedrecords`, () =>
      job.getUnprocessedRecords(),
    );
    const norm = (id: string) => toSalesforceId18(id) ?? id;
    const failed = bad.map((r) => ({
      crmId: norm(r.sf__Id || String((r as Record<string, unknown>).Id ?? '')),
      error: r.sf__Error,
    }));
    const rest = typeof unprocessed === 'string' ? [] : unprocessed;
    for (const r of rest)
      failed.push({
        crmId: norm(String((r as Record<string, unknown>).Id ?? '')),
        error: 'not processed by the Bulk API job',
      });
    await onChunk({ succeeded: ok.map((r) => norm(r.sf__Id)), failed });
  }
}
