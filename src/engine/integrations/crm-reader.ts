import { AppError } from '../../core/errors.ts';
import type { CrmCompany, CrmContact, CrmDeal, CrmOwner } from '../../core/integrations/crm-read-mapping.ts';

export type CrmReadObject = 'companies' | 'contacts' | 'deals';
export type CrmRecordOf<O extends CrmReadObject> = O extends 'companies'
  ? CrmCompany
  : O extends 'contacts'
    ? CrmContact
    : CrmDeal;

/**
 * What a CRM read needs from a vendor (one implementation per CRM, through its
 * official client): every owner, and the records of an object modified at or
 * after an instant, page by page, oldest first.
 */
export type CrmReader = {
  vendor: string;
  listOwners(): Promise<CrmOwner[]>;
  /** Pages of records with `modifiedAt >= since` (ISO; null = all), sorted by modifiedAt ascending. */
  pages<O extends CrmReadObject>(object: O, since: string | null): AsyncGenerator<CrmRecordOf<O>[]>;
};

/** An instant as the cursor compares it: ISO 8601 UTC with milliseconds. */
export function toIsoInstant(v: unknown): string {
  const t = typeof v === 'number' ? v : Date.parse(String(v ?? ''));
  if (!Number.isFinite(t))
    throw new AppError(
      'BAD_INPUT',
      `the CRM answered a record without a readable last-modified value (${JSON.stringify(v)}); the read stops before it so the cursor stays correct`,
    );
  return new Date(t).toISOString();
}
