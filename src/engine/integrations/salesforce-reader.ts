import type { QueryResult, Connection as SalesforceConnection } from 'jsforce';
import type { SalesforceSettings } from '../../core/integrations/connection-schema.ts';
import type { CrmCompany, CrmContact, CrmDeal, CrmOwner } from '../../core/integrations/crm-read-mapping.ts';
import { toSalesforceId18 } from '../../core/integrations/crm-record-match.ts';
import type { CallGuard } from './call-guard.ts';
import { type CrmReader, type CrmReadObject, type CrmRecordOf, toIsoInstant } from './crm-reader.ts';

type Row = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);
const id18 = (v: unknown) => {
  const s = str(v);
  return s ? (toSalesforceId18(s) ?? s) : null;
};

/** A SOQL dateTime literal (seconds precision; the cursor skips what was already applied). */
const soqlDateTime = (iso: string) => `${iso.slice(0, 19)}Z`;

/**
 * CRM read from Salesforce through jsforce: SOQL on User (owners), the
 * account object, Contact and Opportunity, `WHERE SystemModstamp >= <cursor>
 * ORDER BY SystemModstamp, Id`, following `nextRecordsUrl` with queryMore.
 */
export function createSalesforceReader(
  settings: SalesforceSettings,
  conn: SalesforceConnection,
  guard: CallGuard,
): CrmReader {
  const roleField = settings.read.roleField ?? null;
  const fields: Record<CrmReadObject, { from: string; select: string[] }> = {
    companies: {
      from: settings.object,
      select: ['Id', 'Name', settings.domainField, 'OwnerId', 'SystemModstamp'],
    },
    contacts: {
      from: 'Contact',
      select: [
        'Id',
        'AccountId',
        'Email',
        'Name',
        'Title',
        ...(roleField ? [roleField] : []),
        'SystemModstamp',
      ],
    },
    deals: {
      from: 'Opportunity',
      select: [
        'Id',
        'AccountId',
        'Name',
        'Amount',
        'CloseDate',
        'IsClosed',
        'IsWon',
        'Type',
        'SystemModstamp',
      ],
    },
  };

  async function* query(soql: string, what: string): AsyncGenerator<Row[]> {
    let res: QueryResult<Row> = await guard.call(
      `GET query (${what})`,
      async () => await conn.query<Row>(soql),
    );
    for (;;) {
      if (res.records.length > 0) yield res.records;
      if (res.done || !res.nextRecordsUrl) return;
      const next = res.nextRecordsUrl;
      res = await guard.call(`GET query (${what}, next)`, async () => await conn.queryMore<Row>(next));
    }
  }

  return {
    vendor: 'Salesforce',
    async listOwners() {
      const out: CrmOwner[] = [];
      for await (const rows of query('SELECT Id, Email, Name FROM User', 'User'))
        for (const r of rows) out.push({ id: id18(r.Id) as string, email: str(r.Email), name: str(r.Name) });
      return out;
    },
    async *pages<O extends CrmReadObject>(object: O, since: string | null): AsyncGenerator<CrmRecordOf<O>[]> {
      const f = fields[object];
      const soql = `SELECT ${f.select.join(', ')} FROM ${f.from}${since ? ` WHERE SystemModstamp >= ${soqlDateTime(since)}` : ''} ORDER BY SystemModstamp, Id`;
      for await (const rows of query(soql, f.from)) {
        const base = (r: Row) => ({ id: id18(r.Id) as string, modifiedAt: toIsoInstant(r.SystemModstamp) });
        if (object === 'companies')
          yield rows.map(
            (r): CrmCompany => ({
              ...base(r),
              name: str(r.Name),
              domain: str(r[settings.domainField]),
              ownerId: id18(r.OwnerId),
            }),
          ) as CrmRecordOf<O>[];
        else if (object === 'contacts')
          yield rows.map(
            (r): CrmContact => ({
              ...base(r),
              companyId: id18(r.AccountId),
              email: str(r.Email),
              name: str(r.Name),
              title: str(r.Title),
              role: roleField ? str(r[roleField]) : null,
            }),
          ) as CrmRecordOf<O>[];
        else
          yield rows.map(
            (r): CrmDeal => ({
              ...base(r),
              companyId: id18(r.AccountId),
              name: str(r.Name),
              amount: typeof r.Amount === 'number' ? r.Amount : r.Amount == null ? null : Number(r.Amount),
              closeDate: str(r.CloseDate)?.slice(0, 10) ?? null,
              stage: r.IsWon === true ? 'won' : r.IsClosed === true ? 'lost' : 'open',
              type: str(r.Type),
            }),
          ) as CrmRecordOf<O>[];
      }
    },
  };
}
