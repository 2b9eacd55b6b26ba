import type { AccountDetail } from '../../../src/api/api-types.ts';
import { BAND_COLOR, money } from '../format.ts';
import { BandPill } from '../portfolio-page.tsx';

type Facts = AccountDetail['facts'];

const days = (n: number) => `${n} day${n === 1 ? '' : 's'}`;
const fullMoney = (n: number, currency = 'USD') =>
  new Intl.NumberFormat('en-US', { style: 'currency', currency, maximumFractionDigits: 0 }).format(n);

function Fact({ label, id, children }: { label: string; id: string; children: React.ReactNode }) {
  return (
    <div className="fact" data-testid={`fact-${id}`}>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function renewalText(r: NonNullable<Facts['renewal']>) {
  if (r.daysLeft === 0) return 'today';
  return r.daysLeft > 0 ? `in ${days(r.daysLeft)}` : `${days(-r.daysLeft)} ago`;
}

function contractText(c: NonNullable<Facts['contract']>, live: number) {
  const parts = [c.plan ? `${c.plan} plan` : 'no plan named'];
  parts.push(
    c.end
      ? `${c.start} → ${c.end}`
      : `open-ended since ${c.start}, billed ${c.billingPeriod === 'year' ? 'yearly' : 'monthly'}`,
  );
  if (c.seats) parts.push(`${c.seats} seats`);
  if (c.autoRenew) parts.push('auto-renews');
  if (c.trial) parts.push('trial');
  if (live > 1) parts.push(`+${live - 1} more contract${live > 2 ? 's' : ''}`);
  return parts.join(' · ');
}

function Trend({ d30 }: { d30: number | null }) {
  if (d30 === null) return <span className="muted">no 30-day history</span>;
  if (Math.abs(d30) < 0.5) return <span className="muted">steady over 30 days</span>;
  return (
    <span className={`trend ${d30 < 0 ? 'down' : 'up'}`}>
      {d30 < 0 ? '▼' : '▲'} {d30 > 0 ? '+' : ''}
      {d30.toFixed(1)} in 30 days
    </span>
  );
}

/** The first screen: who the account is, what it is worth, when it renews, who matters there. */
export function AccountHeader({ detail }: { detail: AccountDetail }) {
  const { account, score, facts } = detail;
  const renewalSoon = facts.renewal !== null && facts.renewal.daysLeft <= 90;
  return (
    <div className="account-head">
      <div className="account-title">
        <h1>{account.name}</h1>
        <div className="muted">
          {[account.segment, account.industry].filter(Boolean).join(' · ')}
          {score?.lifecycle?.label ? ` · ${score.lifecycle.label}` : ''}
        </div>
        <dl className="facts" aria-label="Account facts">
          <Fact label="Health" id="health">
            {facts.score === null ? (
              'not scored yet'
            ) : (
              <>
                <b data-value={facts.score}>{Math.round(facts.score)}</b> <BandPill band={facts.band} />{' '}
                <Trend d30={facts.trend30} />
              </>
            )}
          </Fact>
          <Fact label="ARR" id="arr">
            <b data-value={facts.arr} title={fullMoney(facts.arr, facts.contract?.currency)}>
              {money(facts.arr)}
            </b>
            {facts.seats > 0 ? <span className="muted"> · {facts.seats} seats</span> : null}
          </Fact>
          <Fact label="Renewal" id="renewal">
            {facts.renewal ? (
              <>
                <b data-value={facts.renewal.date}>{facts.renewal.date}</b>{' '}
                <span className={renewalSoon ? 'soon' : 'muted'} data-days={facts.renewal.daysLeft}>
                  {renewalText(facts.renewal)}
                </span>
              </>
            ) : (
              <span className="muted">no live contract</span>
            )}
          </Fact>
          <Fact label="Contract" id="contract">
            {facts.contract ? (
              contractText(facts.contract, facts.liveContracts)
            ) : (
              <span className="muted">none live</span>
            )}
          </Fact>
          <Fact label="CSM" id="csm">
            {facts.csm ? <b>{facts.csm.name ?? facts.csm.id}</b> : <span className="muted">unassigned</span>}
            {facts.manager ? (
              <span className="muted" data-testid="fact-manager">
                {' '}
                · manager {facts.manager.name ?? facts.manager.id}
              </span>
            ) : null}
          </Fact>
          <Fact label="Last executive touch" id="exec-touch">
            {facts.lastExecutiveTouch ? (
              <>
                <b data-value={facts.lastExecutiveTouch.date}>{facts.lastExecutiveTouch.date}</b>{' '}
                <span className={facts.lastExecutiveTouch.daysAgo > 60 ? 'soon' : 'muted'}>
                  ({days(facts.lastExecutiveTouch.daysAgo)} ago)
                </span>{' '}
                · {facts.lastExecutiveTouch.kind}
              </>
            ) : (
              <span className="soon">none on record</span>
            )}
          </Fact>
          <Fact label="Champion" id="champion">
            {facts.champion.status === 'present' ? (
              <>
                <b>{facts.champion.name}</b>
                {facts.champion.title ? `, ${facts.champion.title}` : ''}
                {facts.champion.others > 0 ? (
                  <span className="muted"> +{facts.champion.others} more</span>
                ) : null}
              </>
            ) : facts.champion.status === 'left' ? (
              <span className="soon">
                champion left on {facts.champion.leftOn} ({facts.champion.name}
                {facts.champion.title ? `, ${facts.champion.title}` : ''})
              </span>
            ) : (
              <span className="soon">no champion</span>
            )}
          </Fact>
          <Fact label="Latest NPS" id="nps">
            {facts.latestNps ? (
              <>
                <b data-value={facts.latestNps.score}>{facts.latestNps.score}</b> ({facts.latestNps.category})
                · <span className="muted">{facts.latestNps.date}</span>
              </>
            ) : (
              <span className="muted">no answer on record</span>
            )}
          </Fact>
        </dl>
      </div>
      {score?.override ? (
        <div
          className="gauge overridden"
          style={{ borderColor: BAND_COLOR[score.override.band] }}
          title="Score overridden by a person"
        >
          <div className="gauge-score">{Math.round(score.override.score)}</div>
          <BandPill band={score.override.band} />
          <div className="muted small" data-testid="computed-score">
            computed {Math.round(score.score)}
          </div>
        </div>
      ) : score ? (
        <div className="gauge" style={{ borderColor: BAND_COLOR[score.band] }}>
          <div className="gauge-score">{Math.round(score.score)}</div>
          <BandPill band={score.band} />
          <div className="muted small">coverage {Math.round(score.coverage * 100)}%</div>
          {score.lifecycle?.label && (
            <div className="muted small" data-testid="lifecycle">
              {score.lifecycle.label}
            </div>
          )}
        </div>
      ) : null}
    </div>
  );
}
