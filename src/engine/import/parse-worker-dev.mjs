// Development only (tests and tsx runs from the TypeScript sources): loads the parse thread's
// entry through tsx's loader. The compiled build runs dist/engine/import/parse.worker.js directly.
import { register } from 'tsx/esm/api';

register();
await import('./parse.worker.ts');
