import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';

/** Subscribes to /v1/stream; a score or task change refreshes what is on screen, no reload needed. */
export function useLiveUpdates(): 'connecting' | 'open' | 'offline' {
  const client = useQueryClient();
  const [state, setState] = useState<'connecting' | 'open' | 'offline'>('connecting');
  useEffect(() => {
    const source = new EventSource('/v1/stream');
    let pending: ReturnType<typeof setTimeout> | null = null;
    const refresh = (keys: string[]) => {
      if (pending) return;
      pending = setTimeout(() => {
        pending = null;
        for (const k of keys) void client.invalidateQueries({ queryKey: [k] });
      }, 300);
    };
    source.addEventListener('ready', () => setState('open'));
    source.addEventListener('score-changed', () =>
      refresh(['accounts', 'account', 'scores', 'portfolio-summary', 'timeline']),
    );
    source.addEventListener('task-changed', () => refresh(['tasks']));
    source.onerror = () => setState('offline');
    return () => {
      if (pending) clearTimeout(pending);
      source.close();
    };
  }, [client]);
  return state;
}
