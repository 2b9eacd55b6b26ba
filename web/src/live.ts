import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, useSyncExternalStore } from 'react';

// accounts changed in the last few seconds, so their rows can flash wherever they are shown
const FLASH_MS = 2500;
let flashing: ReadonlySet<string> = new Set();
const listeners = new Set<() => void>();
function flash(accountId: string) {
  flashing = new Set([...flashing, accountId]);
  for (const l of listeners) l();
  setTimeout(() => {
    const next = new Set(flashing);
    next.delete(accountId);
    flashing = next;
    for (const l of listeners) l();
  }, FLASH_MS);
}
const subscribe = (l: () => void) => {
  listeners.add(l);
  return () => listeners.delete(l);
};

/** Ids of accounts whose score or tasks just changed (live), to highlight their rows. */
export function useFlashingAccounts(): ReadonlySet<string> {
  return useSyncExternalStore(subscribe, () => flashing);
}

const accountIdOf = (data: string): string | null => {
  try {
    const d = JSON.parse(data) as { accountId?: unknown };
    return typeof d.accountId === 'string' ? d.accountId : null;
  } catch {
    return null;
  }
};

/** Subscribes to /v1/stream; a score or task change refreshes what is on screen, no reload needed. */
export function useLiveUpdates(): 'connecting' | 'open' | 'offline' {
  const client = useQueryClient();
  const [state, setState] = useState<'connecting' | 'open' | 'offline'>('connecting');
  useEffect(() => {
    const source = new EventSource('/v1/stream');
    let pending: ReturnType<typeof setTimeout> | null = null;
    const keys = new Set<string>();
    const refresh = (more: string[]) => {
      for (const k of more) keys.add(k);
      if (pending) return;
      pending = setTimeout(() => {
        pending = null;
        for (const k of keys) void client.invalidateQueries({ queryKey: [k] });
        keys.clear();
      }, 300);
    };
    const onScore = (e: MessageEvent<string>) => {
      const id = accountIdOf(e.data);
      if (id) flash(id);
      refresh(['accounts', 'account', 'scores', 'portfolio-summary', 'timeline']);
    };
    const onTask = (e: MessageEvent<string>) => {
      const id = accountIdOf(e.data);
      if (id) flash(id);
      refresh(['tasks', 'account', 'portfolio-summary']);
    };
    source.addEventListener('ready', () => setState('open'));
    source.addEventListener('score-changed', onScore);
    source.addEventListener('task-changed', onTask);
    source.addEventListener('task-created', onTask);
    source.onerror = () => setState(source.readyState === EventSource.CLOSED ? 'offline' : 'connecting');
    return () => {
      if (pending) clearTimeout(pending);
      source.close();
    };
  }, [client]);
  return state;
}
