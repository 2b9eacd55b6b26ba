import { EventEmitter } from 'node:events';
import type { ScoreResult } from '../core/scoring/score-result.ts';

/** In-process notifications the live stream (SSE) and other listeners subscribe to. */
export type BusEvents = {
  /** A score was recomputed and its value or band changed. */
  'score-changed': [
    {
      accountId: string;
      owner: string | null;
      previous: { score: number; band: string } | null;
      current: ScoreResult;
    },
  ];
  /** New data landed for these accounts (the worker wakes up to rescore them). */
  'accounts-dirty': [{ accountIds: string[] }];
  /** A task was created, updated or closed. */
  'task-changed': [
    {
      taskId: string | number;
      accountId: string;
      owner: string | null;
      status: string;
      title: string;
      /** True when a playbook just created the task (not a status change of an existing one). */
      created?: boolean;
    },
  ];
};

export type Bus = EventEmitter<BusEvents>;
export const createBus = (): Bus => {
  const bus = new EventEmitter<BusEvents>();
  bus.setMaxListeners(0);
  return bus;
};
