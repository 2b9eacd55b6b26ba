import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../store/database.ts';
import { openTestStore, TEST_STORE_KINDS } from '../../store/test-stores.ts';
import { contextForStore, type EngineContext, fixedClock } from '../context.ts';
import { importPlaybooks } from './import-playbooks.ts';
import { loadPlaybooks } from './load-playbooks.ts';

const DOC = `playbooks:
  - id: vip-critical
    name: VIP critical
    trigger: { type: band_entered, band: critical }
    conditions: { tagsAll: [vip] }
    actions:
      - { type: create_task, title: "Call {{account.name}}", dueInDays: 1 }
      - { type: enroll, playbookId: critical-save-plan }
`;

describe.each(TEST_STORE_KINDS)('importPlaybooks on %s', (kind) => {
  let store: Store;
  let ctx: EngineContext;
  beforeEach(async () => {
    store = await openTestStore(kind);
    ctx = contextForStore(store, { clock: fixedClock('2025-06-01T10:00:00.000Z') });
  });
  afterEach(async () => {
    await store.close();
  });

  it('stores new playbooks next to the defaults, versions changes, audits them, skips unchanged', async () => {
    expect((await importPlaybooks(ctx, DOC, { actor: 'alice' })).created).toEqual(['vip-critical']);
    expect((await importPlaybooks(ctx, DOC)).unchanged).toEqual(['vip-critical']);
    const edited = DOC.replace('dueInDays: 1', 'dueInDays: 2');
    expect((await importPlaybooks(ctx, edited, { actor: 'bob' })).updated).toEqual(['vip-critical']);
    const stored = await loadPlaybooks(ctx);
    const vip = stored.find((p) => p.playbook.id === 'vip-critical');
    expect(vip).toMatchObject({ version: 2, source: 'user', enabled: true });
    expect(stored.find((p) => p.playbook.id === 'critical-escalation')?.source).toBe('default');
    const audit = await store.db
      .selectFrom('audit_log')
      .select(['actor', 'action', 'target'])
      .orderBy('id')
      .execute();
    expect(audit).toEqual([
      { actor: 'alice', action: 'playbook.create', target: 'playbook:vip-critical' },
      { actor: 'bob', action: 'playbook.update', target: 'playbook:vip-critical' },
    ]);
  });

  it('disables a default by importing it with enabled: false', async () => {
    const defaults = await loadPlaybooks(ctx);
    const p = defaults.find((d) => d.playbook.id === 'healthy-advocacy-ask')!.playbook;
    await importPlaybooks(ctx, JSON.stringify({ ...p, enabled: false }));
    const after = (await loadPlaybooks(ctx)).find((d) => d.playbook.id === 'healthy-advocacy-ask');
    expect(after).toMatchObject({ enabled: false, version: 2 });
  });

  it('rejects a bad document whole, with line and field in the error', async () => {
    const bad = `${DOC}  - id: broken
    name: Broken
    trigger: { type: band_entered, band: purple }
    actions: [{ type: add_tag, tag: x }]
`;
    const err = await importPlaybooks(ctx, bad, { source: 'mine.yaml' }).catch((e) => e);
    expect(err).toMatchObject({ code: 'BAD_INPUT' });
    expect(err.message).toContain('mine.yaml:11:');
    expect(err.message).toContain('playbooks[1].trigger.band');
    expect(err.details.errors[0]).toMatchObject({ line: 11, field: 'playbooks[1].trigger.band' });
    expect((await loadPlaybooks(ctx)).some((p) => p.playbook.id === 'vip-critical')).toBe(false);
  });
});
