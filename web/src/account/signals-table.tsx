import type { ScoreResult } from '../../../src/api/api-types.ts';

/** Every signal with data: its sub-score as a bar on a fixed 0–100 track, weight, points, detail. */
export function SignalsTable({ score }: { score: ScoreResult }) {
  return (
    <div className="panel">
      <h2>Signals</h2>
      <table className="grid" aria-label="Signals">
        <thead>
          <tr>
            <th className="wide">Category</th>
            <th>Signal</th>
            <th className="num">Sub-score</th>
            <th className="num wide">Weight</th>
            <th className="num">Points</th>
            <th>Detail</th>
          </tr>
        </thead>
        <tbody>
          {score.signals
            .filter((s) => s.subScore !== null)
            .map((s) => (
              <tr key={s.signalId}>
                <td className="wide">{s.category}</td>
                <td>{s.label}</td>
                <td className="num">
                  <span className="bar-track" aria-hidden="true">
                    <span
                      className="bar"
                      style={{ width: `${Math.max(0, Math.min(100, s.subScore ?? 0))}%` }}
                    />
                  </span>{' '}
                  {Math.round(s.subScore ?? 0)}
                </td>
                <td className="num wide">{(s.weight * 100).toFixed(1)}%</td>
                <td className="num">{s.points.toFixed(1)}</td>
                <td className="muted">
                  {s.detail}
                  {s.freshness < 1 ? ` (fading ${Math.round(s.freshness * 100)}%)` : ''}
                </td>
              </tr>
            ))}
        </tbody>
      </table>
    </div>
  );
}
