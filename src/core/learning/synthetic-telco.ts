import { sigmoid } from './logistic-regression.ts';
import { createPrng } from './prng.ts';
import type { TableMappingInput, TableRow } from './table-mapping.ts';

/**
 * A synthetic customer table shaped like the public "Telco customer churn" sample (same column
 * names and value sets) with a churn mechanism we know, so tests and benchmarks can check that
 * the tabular learner finds the planted effects. Nothing is downloaded.
 *
 * Planted log-odds: month-to-month +1.4, two-year −1.3, tenure −0.035/month, fiber +0.7,
 * electronic check +0.6, no tech support +0.4 (with internet), senior +0.3, partner −0.2,
 * monthly charges +0.01/$ around 65. `gender` and `PhoneService` carry no effect.
 */
export const TELCO_COLUMNS = [
  'customerID',
  'gender',
  'SeniorCitizen',
  'Partner',
  'Dependents',
  'tenure',
  'PhoneService',
  'InternetService',
  'TechSupport',
  'Contract',
  'PaperlessBilling',
  'PaymentMethod',
  'MonthlyCharges',
  'TotalCharges',
  'Churn',
] as const;

export const TELCO_MAPPING: TableMappingInput = {
  idColumn: 'customerID',
  labelColumn: 'Churn',
  positiveValues: ['Yes'],
  numericColumns: ['tenure', 'MonthlyCharges', 'TotalCharges', 'SeniorCitizen'],
  categoricalColumns: [
    'gender',
    'Partner',
    'Dependents',
    'PhoneService',
    'InternetService',
    'TechSupport',
    'Contract',
    'PaperlessBilling',
    'PaymentMethod',
  ],
};

const PAYMENT = [
  'Electronic check',
  'Mailed check',
  'Bank transfer (automatic)',
  'Credit card (automatic)',
] as const;

export function generateSyntheticTelco(rows: number, seed: number): TableRow[] {
  const prng = createPrng(seed);
  const pick = <T>(items: readonly T[]) => items[prng.int(items.length)] as T;
  const out: TableRow[] = [];
  for (let i = 0; i < rows; i++) {
    const contract = pick(['Month-to-month', 'Month-to-month', 'One year', 'Two year'] as const);
    const tenure =
      contract === 'Month-to-month'
        ? Math.floor(prng.next() * prng.next() * 72)
        : Math.floor(prng.next() * 73);
    const internet = pick(['DSL', 'Fiber optic', 'Fiber optic', 'No'] as const);
    const tech = internet === 'No' ? 'No internet service' : pick(['Yes', 'No'] as const);
    const senior = prng.next() < 0.16 ? 1 : 0;
    const partner = pick(['Yes', 'No'] as const);
    const payment = pick(PAYMENT);
    const monthly =
      Math.round(
        ((internet === 'Fiber optic' ? 80 : internet === 'DSL' ? 55 : 22) + prng.next() * 30) * 100,
      ) / 100;
    const e =
      -1.6 +
      (contract === 'Month-to-month' ? 1.4 : contract === 'Two year' ? -1.3 : 0) -
      0.035 * tenure +
      (internet === 'Fiber optic' ? 0.7 : 0) +
      (payment === 'Electronic check' ? 0.6 : 0) +
      (tech === 'No' ? 0.4 : 0) +
      0.3 * senior -
      (partner === 'Yes' ? 0.2 : 0) +
      0.01 * (monthly - 65);
    out.push({
      customerID: `${String(1000 + i).padStart(4, '0')}-SYN${i % 7}`,
      gender: pick(['Female', 'Male'] as const),
      SeniorCitizen: String(senior),
      Partner: partner,
      Dependents: pick(['Yes', 'No', 'No'] as const),
      tenure: String(tenure),
      PhoneService: pick(['Yes', 'Yes', 'No'] as const),
      InternetService: internet,
      TechSupport: tech,
      Contract: contract,
      PaperlessBilling: pick(['Yes', 'No'] as const),
      PaymentMethod: payment,
      MonthlyCharges: monthly.toFixed(2),
      // As in the real sample, brand-new customers have a blank TotalCharges.
      TotalCharges: tenure === 0 ? ' ' : (monthly * tenure).toFixed(2),
      Churn: prng.next() < sigmoid(e) ? 'Yes' : 'No',
    });
  }
  return out;
}

/** The rows as CSV text (RFC 4180 quoting), header first. */
export function toCsv(rows: readonly TableRow[], columns: readonly string[]): string {
  const cell = (v: string | undefined) => {
    const s = v ?? '';
    return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  return [columns.join(','), ...rows.map((r) => columns.map((c) => cell(r[c])).join(','))].join('\n') + '\n';
}
