/** Tables of the performance area (migration 017-perf-jobs). */
export type PerfTables = {
  jobs: JobsTable;
};

export type JobsTable = {
  id: string;
  kind: string;
  params: string;
  status: string;
  progress: string | null;
  result: string | null;
  error: string | null;
  created_by: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
};
