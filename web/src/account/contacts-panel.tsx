import type { AccountDetail } from '../../../src/api/api-types.ts';

type Contact = AccountDetail['contacts'][number];

const ROLE_ORDER: Record<string, number> = { champion: 0, executive_sponsor: 1, admin: 2, user: 3 };
const SHOWN = 10;

function ContactLine({ c }: { c: Contact }) {
  return (
    <li>
      {c.name ?? c.email ?? c.id}
      {c.title ? <span className="muted"> — {c.title}</span> : null}{' '}
      <span className={`pill role-${c.role}`}>{c.role.replace('_', ' ')}</span>
      {c.leftAt ? <span className="muted small"> left {c.leftAt}</span> : null}
    </li>
  );
}

/** Contacts: the current ones first (champion, sponsor, admins, users), the departed folded away. */
export function ContactsPanel({ contacts, asOf }: { contacts: Contact[]; asOf: string }) {
  const byRole = (a: Contact, b: Contact) =>
    (ROLE_ORDER[a.role] ?? 9) - (ROLE_ORDER[b.role] ?? 9) || (a.name ?? a.id).localeCompare(b.name ?? b.id);
  const current = contacts.filter((c) => !c.leftAt || c.leftAt > asOf).sort(byRole);
  const former = contacts
    .filter((c) => c.leftAt && c.leftAt <= asOf)
    .sort((a, b) => (b.leftAt ?? '').localeCompare(a.leftAt ?? ''));
  return (
    <div className="panel contacts">
      <h2>Contacts</h2>
      {current.length === 0 ? <p className="muted">No current contact on record.</p> : null}
      <ul className="plain" data-testid="current-contacts">
        {current.slice(0, SHOWN).map((c) => (
          <ContactLine key={c.id} c={c} />
        ))}
      </ul>
      {current.length > SHOWN ? (
        <details>
          <summary>{current.length - SHOWN} more current contacts</summary>
          <ul className="plain">
            {current.slice(SHOWN).map((c) => (
              <ContactLine key={c.id} c={c} />
            ))}
          </ul>
        </details>
      ) : null}
      {former.length > 0 ? (
        <details data-testid="former-contacts">
          <summary>
            {former.length} former contact{former.length === 1 ? '' : 's'}
          </summary>
          <ul className="plain">
            {former.map((c) => (
              <ContactLine key={c.id} c={c} />
            ))}
          </ul>
        </details>
      ) : null}
    </div>
  );
}
