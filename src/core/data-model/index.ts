export * from './account-data.ts';
export * from './entities.ts';
export * from './events.ts';
export * from './rollups.ts';
