import type { EngineContext } from '../context.ts';
import { loadPlaybooks } from './load-playbooks.ts';

export type PlaybookStats = {
  playbookId: string;
  name: string;
  enabled: boolean;
  fired: number;
  heldOut: number;
  /** Suppressed decisions by reason (open-task, cooldown, budget, enroll-cycle). */
  suppressed: Record<string, number>;
  openTasks: number;
};

/** What each playbook did over the last `days`: fired, held out, suppressed (with why), open tasks now. */
export async function getPlaybookStats(
  ctx: EngineContext,
  options: { days?: number } = {},
): Promise<PlaybookStats[]> {
  const since = new Date(ctx.clock.now().getTime() - (options.days ?? 30) * 86_400_000).toISOString();
  const [playbooks, counts, open] = await Promise.all([
    loadPlaybooks(ctx),
    ctx.store.playbooks.decisionCounts(since),
    ctx.store.playbooks.openTaskCounts(),
  ]);
  const stats = new Map<string, PlaybookStats>(
    playbooks.map((p) => [
      p.playbook.id,
      {
        playbookId: p.playbook.id,
        name: p.playbook.name,
        enabled: p.enabled,
        fired: 0,
        heldOut: 0,
        suppressed: {},
        openTasks: 0,
      },
    ]),
  );
  const get = (id: string) => {
    let s = stats.get(id);
    if (!s) {
      s = { playbookId: id, name: id, enabled: false, fired: 0, heldOut: 0, suppressed: {}, openTasks: 0 };
      stats.set(id, s);
    }
    return s;
  };
  for (const c of counts) {
    const s = get(c.playbook_id);
    const n = Number(c.n);
    if (c.outcome === 'fired') s.fired += n;
    else if (c.outcome === 'held-out') s.heldOut += n;
    else s.suppressed[c.reason ?? 'unknown'] = (s.suppressed[c.reason ?? 'unknown'] ?? 0) + n;
  }
  for (const o of open) if (o.playbook_id) get(o.playbook_id).openTasks = Number(o.n);
  return [...stats.values()];
}
