import { writeFileSync } from 'node:fs';
import { DEFAULT_HEALTH_MODEL } from '../src/core/scoring/health-model.ts';
import { createContext } from '../src/engine/context.ts';
import { buildTrainingSet } from '../src/engine/learning/build-training-set.ts';
const ctx = await createContext({ databaseUrl: process.argv[2]!, logLevel: 'warn' });
const set = await buildTrainingSet(ctx, { model: { version: 0, document: DEFAULT_HEALTH_MODEL } });
writeFileSync(process.argv[3]!, JSON.stringify(set.snapshots.map((s) => ({ a: s.accountId, d: s.asOf, y: s.label, s: s.score, b: s.band, x: s.subScores }))));
console.log(set.snapshots.length);
await ctx.store.close();
