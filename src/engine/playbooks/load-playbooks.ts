import { DEFAULT_PLAYBOOKS } from '../../core/playbooks/default-playbooks.ts';
import { type Playbook, playbookSchema } from '../../core/playbooks/playbook-schema.ts';
import type { EngineContext } from '../context.ts';

export type StoredPlaybook = {
  playbook: Playbook;
  version: number;
  enabled: boolean;
  source: 'default' | 'user';
  updatedAt: string;
};

/**
 * The stored playbooks; on first use the defaults are written, so what runs is
 * always what `vigil playbooks list` shows and a user can disable or edit a
 * default like any other playbook.
 */
export async function loadPlaybooks(ctx: EngineContext): Promise<StoredPlaybook[]> {
  let rows = await ctx.store.playbooks.list();
  if (rows.length === 0) {
    const now = ctx.clock.now().toISOString();
    await ctx.store.playbooks.insertMissing(
      DEFAULT_PLAYBOOKS.map((p) => ({
        id: p.id,
        name: p.name,
        document: JSON.stringify(p),
        version: 1,
        enabled: p.enabled ? 1 : 0,
        source: 'default',
        updated_at: now,
      })),
    );
    rows = await ctx.store.playbooks.list();
  }
  return rows.map((r) => {
    // stored documents were validated on the way in; parsing again applies new defaults after upgrades
    const playbook = playbookSchema.parse(JSON.parse(r.document));
    const enabled = Number(r.enabled) === 1;
    return {
      playbook: { ...playbook, enabled },
      version: Number(r.version),
      enabled,
      source: r.source === 'default' ? 'default' : 'user',
      updatedAt: r.updated_at,
    };
  });
}
