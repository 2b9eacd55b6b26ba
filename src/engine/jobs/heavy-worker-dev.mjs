// Development only (tests and tsx runs from the TypeScript sources): loads the worker entry
// through tsx's loader. The compiled build runs dist/engine/jobs/heavy.worker.js directly.
import { register } from 'tsx/esm/api';

register();
const entry = await import('./heavy.worker.ts');
export default entry.default;
