/**
 * The shape of a stored timeline event as the account-page rules read it: the type, the ISO time
 * and the properties (validated on the way in by the data model, extra keys kept). Loose on purpose
 * so the same rules read `AccountData.events` and the API's timeline rows.
 */
export type AccountEvent = {
  type: string;
  time: string;
  contactId?: string | null;
  properties: Readonly<Record<string, unknown>>;
};

/** A string property, or null when absent, empty or not a string. */
export const str = (p: Readonly<Record<string, unknown>>, key: string): string | null => {
  const v = p[key];
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : null;
};

/** A finite number property, or null. */
export const num = (p: Readonly<Record<string, unknown>>, key: string): number | null => {
  const v = p[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
};
