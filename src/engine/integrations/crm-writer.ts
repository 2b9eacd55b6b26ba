import type { PushField } from '../../core/integrations/connection-schema.ts';

export type CrmRecordUpdate = { crmId: string; properties: Record<string, string | number | null> };
export type CrmWriteResult = { succeeded: string[]; failed: { crmId: string; error: string }[] };

/** What a CRM connector offers write-back (one implementation per vendor, over its official client). */
export type CrmWriter = {
  readonly vendor: string;
  /** Field types of the mapped fields (for creating missing ones). */
  /** Checks the mapped fields exist; creates the missing ones when allowed, else throws naming them. Returns names created (or that would be). */
  ensureFields(fields: Partial<Record<PushField, string>>, dryRun: boolean): Promise<string[]>;
  /** CRM record ids per normalised domain, for the domains asked. */
  findByDomains(domains: string[]): Promise<Map<string, string[]>>;
  /** Writes the updates; `onChunk` is called after each confirmed chunk (so progress survives a stop). */
  write(updates: CrmRecordUpdate[], onChunk: (r: CrmWriteResult) => Promise<void>): Promise<void>;
  /** How a null value is sent ("" for HubSpot). */
  readonly nullAs: '' | null;
};

export const NUMBER_FIELDS: readonly PushField[] = ['score', 'trend30', 'coverage', 'churnProbability'];

export const FIELD_LABELS: Record<PushField, string> = {
  score: 'Vigil health score',
  band: 'Vigil health band',
  trend30: 'Vigil score trend (30 days)',
  coverage: 'Vigil data coverage',
  topWarning: 'Vigil top warning sign',
  churnProbability: 'Vigil churn probability',
  url: 'Vigil account page',
};
