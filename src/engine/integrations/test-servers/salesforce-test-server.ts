import Papa from 'papaparse';
import { HttpTestServer, type RecordedRequest, type Reply } from './http-test-server.ts';

type Job = {
  id: string;
  object: string;
  operation: string;
  state: string;
  csv: string;
  ok: string[][];
  failed: string[][];
  header: string[];
};

/**
 * Salesforce REST as far as Vigil uses it (API v62.0), with the shapes of the
 * REST API and Bulk API 2.0 developer guides: sObject describe, SOQL query,
 * sObject Collections update (per-record SaveResult with errors[]), Bulk API
 * 2.0 ingest jobs (create, upload CSV, UploadComplete, job info, successful /
 * failed / unprocessed results as CSV with sf__Id, sf__Created, sf__Error),
 * and the error body `[{ message, errorCode }]`. For CRM read: SOQL
 * `SELECT … FROM Account|User|Contact|Opportunity [WHERE SystemModstamp >= t]
 * ORDER BY SystemModstamp, Id`, paged by `nextRecordsUrl` (`pageSize`).
 */
export class SalesforceTestServer extends HttpTestServer {
  /** Account records by 18-character id. */
  readonly records = new Map<string, Record<string, string | number | null>>();
  readonly deleted = new Set<string>();
  readonly fields = new Map<string, { updateable: boolean; type: string }>();
  token = '00Dxx0000000001!AQ0AQTESTTOKEN';
  readonly jobs = new Map<string, Job>();
  private jobSeq = 0;
  readonly base = '/services/data/v62.0';
  /** CRM read: User, Contact and Opportunity records by 18-character id (Account records are `records`). */
  readonly users = new Map<string, Record<string, unknown>>();
  readonly contacts = new Map<string, Record<string, unknown>>();
  readonly opportunities = new Map<string, Record<string, unknown>>();
  /** Records per query page (the REST API's default batch is 2,000). */
  pageSize = 2000;
  private cursors = new Map<string, unknown[]>();
  private cursorSeq = 0;

  constructor() {
    super((r) => this.answer(r));
    for (const f of ['Id', 'Name', 'Website']) this.fields.set(f, { updateable: f !== 'Id', type: 'string' });
  }

  addVigilFields(): void {
    for (const f of [
      'Vigil_Health_Score__c',
      'Vigil_Health_Band__c',
      'Vigil_Trend_30d__c',
      'Vigil_Coverage__c',
      'Vigil_Top_Warning__c',
      'Vigil_Churn_Probability__c',
      'Vigil_Account_URL__c',
    ])
      this.fields.set(f, { updateable: true, type: 'string' });
  }

  /** OAuth: the connected app and the refresh tokens it still honours (revoke one by deleting it). */
  clientId = '3MVG9TESTCLIENTID';
  clientSecret = 'TESTCLIENTSECRET0001';
  readonly refreshTokens = new Set<string>(['5Aep861TESTREFRESHTOKEN']);
  /** Answer 401 INVALID_SESSION_ID to every token, even one just issued. */
  refuseAllTokens = false;
  private tokenSeq = 0;

  /**
   * POST /services/oauth2/token, grant_type=refresh_token (form-encoded), as the
   * "OAuth 2.0 Refresh Token Flow" documents it: 200 `{ access_token, signature,
   * scope, instance_url, id, token_type, issued_at }`; 400 `{ error:
   * invalid_grant, error_description: expired access/refresh token }` for a
   * revoked token, `invalid_client_id` / `invalid_client` for a wrong app.
   */
  private oauthToken(r: RecordedRequest): Reply {
    const f = new URLSearchParams(r.body);
    if (f.get('grant_type') !== 'refresh_token')
      return {
        status: 400,
        body: { error: 'unsupported_grant_type', error_description: 'grant type not supported' },
      };
    if (f.get('client_id') !== this.clientId)
      return {
        status: 400,
        body: { error: 'invalid_client_id', error_description: 'client identifier invalid' },
      };
    if (f.get('client_secret') !== this.clientSecret)
      return {
        status: 400,
        body: { error: 'invalid_client', error_description: 'invalid client credentials' },
      };
    if (!this.refreshTokens.has(f.get('refresh_token') ?? ''))
      return {
        status: 400,
        body: { error: 'invalid_grant', error_description: 'expired access/refresh token' },
      };
    this.token = `00Dxx0000000001!AQ0AQREFRESHED${++this.tokenSeq}`;
    return {
      status: 200,
      body: {
        access_token: this.token,
        signature: 'c2lnbmF0dXJl',
        scope: 'refresh_token api',
        instance_url: this.url,
        id: 'https://login.salesforce.com/id/00Dxx0000000001EAA/005xx000001X7dAAAS',
        token_type: 'Bearer',
        issued_at: '1751284800000',
      },
    };
  }

  private answer(r: RecordedRequest): Reply {
    if (r.method === 'POST' && r.path === '/services/oauth2/token') return this.oauthToken(r);
    if (this.refuseAllTokens || r.headers.authorization !== `Bearer ${this.token}`)
      return {
        status: 401,
        body: [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }],
      };
    const p = r.path;
    if (r.method === 'GET' && p === `${this.base}/sobjects/Account/describe`)
      return {
        status: 200,
        body: {
          name: 'Account',
          label: 'Account',
          updateable: true,
          fields: [...this.fields.entries()].map(([name, f]) => ({
            name,
            label: name,
            type: f.type,
            updateable: f.updateable,
            nillable: true,
          })),
          childRelationships: [],
          recordTypeInfos: [],
        },
      };
    if (r.method === 'GET' && p.startsWith(`${this.base}/query/`)) {
      const [, key, offset] = /\/query\/(01gTEST\d+)-(\d+)$/.exec(p) ?? [];
      const rows = key ? this.cursors.get(key) : undefined;
      if (!rows)
        return {
          status: 400,
          body: [{ errorCode: 'INVALID_QUERY_LOCATOR', message: 'invalid query locator' }],
        };
      return { status: 200, body: this.queryPage(key as string, rows, Number(offset)) };
    }
    if (r.method === 'GET' && p === `${this.base}/query` && !/ LIKE /.test(r.query.get('q') ?? '')) {
      const q = r.query.get('q') ?? '';
      const m =
        /^SELECT (.+?) FROM (\w+)(?: WHERE SystemModstamp >= (\S+))? ORDER BY SystemModstamp, Id$/.exec(q);
      const plain = /^SELECT (.+?) FROM (\w+)$/.exec(q);
      const [, select, object, since] = m ?? plain ?? [];
      const table = object ? this.tableOf(object) : undefined;
      if (!select || !table)
        return {
          status: 400,
          body: [{ errorCode: 'MALFORMED_QUERY', message: `test server cannot parse: ${q}` }],
        };
      const fields = select.split(',').map((f) => f.trim());
      const stamp = (rec: Record<string, unknown>) =>
        Date.parse(String(rec.SystemModstamp ?? '').replace('+0000', 'Z'));
      const rows = [...table.entries()]
        .filter(([id, rec]) => !this.deleted.has(id) && (!since || stamp(rec) >= Date.parse(since)))
        .sort(([ia, a], [ib, b]) => stamp(a) - stamp(b) || (ia < ib ? -1 : 1))
        .map(([id, rec]) => ({
          attributes: { type: object, url: `${this.base}/sobjects/${object}/${id}` },
          ...Object.fromEntries(fields.map((f) => [f, f === 'Id' ? id : (rec[f] ?? null)])),
        }));
      const key = `01gTEST${++this.cursorSeq}`;
      this.cursors.set(key, rows);
      return { status: 200, body: this.queryPage(key, rows, 0) };
    }
    if (r.method === 'GET' && p === `${this.base}/query`) {
      const q = r.query.get('q') ?? '';
      const likes = [...q.matchAll(/Website LIKE '%([^%']+)%'/g)].map((m) => (m[1] ?? '').toLowerCase());
      const records = [...this.records.entries()]
        .filter(
          ([id, rec]) =>
            !this.deleted.has(id) &&
            likes.some((l) =>
              String(rec.Website ?? '')
                .toLowerCase()
                .includes(l),
            ),
        )
        .map(([id, rec]) => ({
          attributes: { type: 'Account', url: `${this.base}/sobjects/Account/${id}` },
          Id: id,
          Website: rec.Website ?? null,
        }));
      return { status: 200, body: { totalSize: records.length, done: true, records } };
    }
    if (r.method === 'PATCH' && p === `${this.base}/composite/sobjects`) {
      const body = JSON.parse(r.body) as {
        allOrNone: boolean;
        records: ({ id: string; attributes: { type: string } } & Record<string, unknown>)[];
      };
      if (body.records.length > 200)
        return {
          status: 400,
          body: [{ message: 'Exceeded max size limit of 200', errorCode: 'EXCEEDED_ID_LIMIT' }],
        };
      return {
        status: 200,
        body: body.records.map((rec) => {
          const { id, attributes: _a, ...values } = rec;
          const unknown = Object.keys(values).find((k) => !this.fields.has(k));
          if (unknown)
            return {
              id,
              success: false,
              errors: [
                {
                  statusCode: 'INVALID_FIELD',
                  message: `No such column '${unknown}' on sobject of type Account`,
                  fields: [unknown],
                },
              ],
            };
          if (this.deleted.has(id) || !this.records.has(id))
            return {
              success: false,
              errors: [{ statusCode: 'ENTITY_IS_DELETED', message: 'entity is deleted', fields: [] }],
            };
          Object.assign(this.records.get(id) as object, values);
          return { id, success: true, errors: [] };
        }),
      };
    }
    if (r.method === 'POST' && p === `${this.base}/jobs/ingest`) {
      const b = JSON.parse(r.body) as { object: string; operation: string };
      const id = `7505e00000${String(++this.jobSeq).padStart(5, '0')}AAA`;
      this.jobs.set(id, {
        id,
        object: b.object,
        operation: b.operation,
        state: 'Open',
        csv: '',
        ok: [],
        failed: [],
        header: [],
      });
      return { status: 200, body: this.jobInfo(id) };
    }
    const m = /^\/services\/data\/v62\.0\/jobs\/ingest\/([^/]+)(\/[a-zA-Z]+\/?)?$/.exec(p);
    const job = m ? this.jobs.get(m[1] as string) : undefined;
    if (m && !job)
      return {
        status: 404,
        body: [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }],
      };
    if (job) {
      const sub = (m?.[2] ?? '').replace(/\//g, '');
      if (r.method === 'PUT' && sub === 'batches') {
        job.csv += r.body;
        return { status: 201 };
      }
      if (r.method === 'PATCH' && sub === '') {
        job.state = (JSON.parse(r.body) as { state: string }).state;
        if (job.state === 'UploadComplete') this.process(job);
        return { status: 200, body: this.jobInfo(job.id) };
      }
      if (r.method === 'GET' && sub === '') return { status: 200, body: this.jobInfo(job.id) };
      if (r.method === 'GET' && sub === 'successfulResults')
        return {
          status: 200,
          headers: { 'content-type': 'text/csv' },
          raw: Papa.unparse([['sf__Id', 'sf__Created', ...job.header], ...job.ok], { newline: '\n' }),
        };
      if (r.method === 'GET' && sub === 'failedResults')
        return {
          status: 200,
          headers: { 'content-type': 'text/csv' },
          raw: Papa.unparse([['sf__Id', 'sf__Error', ...job.header], ...job.failed], { newline: '\n' }),
        };
      if (r.method === 'GET' && sub === 'unprocessedrecords')
        return { status: 200, headers: { 'content-type': 'text/csv' }, raw: `${job.header.join(',')}\n` };
    }
    return { status: 404, body: [{ errorCode: 'NOT_FOUND', message: `no route ${r.method} ${p}` }] };
  }

  private tableOf(object: string): Map<string, Record<string, unknown>> | undefined {
    if (object === 'Account') return this.records as Map<string, Record<string, unknown>>;
    if (object === 'User') return this.users;
    if (object === 'Contact') return this.contacts;
    if (object === 'Opportunity') return this.opportunities;
    return undefined;
  }

  /** A query result page: `done` and `nextRecordsUrl` as the REST API's Query resource answers them. */
  private queryPage(key: string, rows: unknown[], offset: number) {
    const page = rows.slice(offset, offset + this.pageSize);
    const done = offset + this.pageSize >= rows.length;
    return {
      totalSize: rows.length,
      done,
      ...(done ? {} : { nextRecordsUrl: `${this.base}/query/${key}-${offset + this.pageSize}` }),
      records: page,
    };
  }

  private process(job: Job) {
    const rows = Papa.parse<string[]>(job.csv.trim(), { skipEmptyLines: true }).data;
    const [header, ...data] = rows;
    job.header = header ?? [];
    for (const row of data) {
      const rec = Object.fromEntries(job.header.map((h, i) => [h, row[i] ?? '']));
      const id = String(rec.Id);
      const unknown = job.header.find((h) => !this.fields.has(h));
      if (unknown)
        job.failed.push([id, `INVALID_FIELD:No such column '${unknown}' on entity 'Account':--`, ...row]);
      else if (this.deleted.has(id) || !this.records.has(id))
        job.failed.push([id, 'ENTITY_IS_DELETED:entity is deleted:--', ...row]);
      else {
        const target = this.records.get(id) as Record<string, string | number | null>;
        for (const [k, v] of Object.entries(rec))
          if (k !== 'Id' && v !== '') target[k] = v === '#N/A' ? null : v;
        job.ok.push([id, 'false', ...row]);
      }
    }
    job.state = 'JobComplete';
  }

  private jobInfo(id: string) {
    const j = this.jobs.get(id) as Job;
    return {
      id,
      operation: j.operation,
      object: j.object,
      createdById: '005xx000001X7dAAAS',
      createdDate: '2026-06-30T12:00:00.000+0000',
      systemModstamp: '2026-06-30T12:00:00.000+0000',
      state: j.state,
      concurrencyMode: 'Parallel',
      contentType: 'CSV',
      apiVersion: 62.0,
      jobType: 'V2Ingest',
      lineEnding: 'LF',
      columnDelimiter: 'COMMA',
      contentUrl: `services/data/v62.0/jobs/ingest/${id}/batches`,
      numberRecordsProcessed: j.ok.length + j.failed.length,
      numberRecordsFailed: j.failed.length,
    };
  }
}
