/** One measured figure of a benchmark, next to the same work done by a reference tool in the same run. */
export type BenchRow = {
  workload: string;
  metric: string;
  vigil: number;
  reference: number | null;
  referenceName: string | null;
  unit: string;
  /** true for times and memory, false for throughputs. */
  lowerIsBetter: boolean;
  note?: string;
};

export type BenchOptions = { quick: boolean };
export type Benchmark = (options: BenchOptions) => Promise<BenchRow[]>;
