import { z } from 'zod';

/**
 * How a customer table (one row per customer, a churned yes/no column, traits as other columns)
 * maps onto a learnable problem. Columns not named here are ignored.
 */
export const tableMappingSchema = z
  .object({
    idColumn: z.string().min(1),
    labelColumn: z.string().min(1),
    /** Label values (case-insensitive, trimmed) that mean "churned". */
    positiveValues: z.array(z.string().min(1)).min(1).default(['yes', 'true', '1', 'churned']),
    numericColumns: z.array(z.string().min(1)).default([]),
    categoricalColumns: z.array(z.string().min(1)).default([]),
    /** Categories kept per column; rarer ones fold into "(other)" so an id-like column cannot explode. */
    maxLevels: z.number().int().min(2).max(1000).default(50),
  })
  .refine((m) => m.numericColumns.length + m.categoricalColumns.length > 0, {
    message: 'map at least one numeric or categorical column',
  })
  .refine(
    (m) => {
      const all = [m.idColumn, m.labelColumn, ...m.numericColumns, ...m.categoricalColumns];
      return new Set(all).size === all.length;
    },
    { message: 'a column may appear only once in the mapping' },
  );
export type TableMapping = z.infer<typeof tableMappingSchema>;
export type TableMappingInput = z.input<typeof tableMappingSchema>;

/** One row of a customer table as parsed from CSV: column → raw text. */
export type TableRow = Record<string, string | undefined>;
