/** Record types the Store contract returns, for engine code that names them. */
export type { AccountRecord } from './resources/accounts.ts';
export type { AuditEntry } from './resources/audit.ts';
export type { TimelineItem } from './resources/events.ts';
export type { ImportRecord } from './resources/imports.ts';
export type { CurrentScoreRow, ScorePoint } from './resources/scores.ts';
