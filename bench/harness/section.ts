/** What every bench section is given. */
export interface BenchContext {
  /** `--quick`: fewer repetitions and smaller inputs, about a minute in all. */
  quick: boolean;
  /** Cores the process may use (`os.availableParallelism()`). */
  cores: number;
  /** Reports what is running now; the harness shows it as a progress line. */
  progress(message: string): void;
}

/** A table for the report: rendered to the terminal summary and to report.md. */
export interface BenchTable {
  title: string;
  columns: string[];
  rows: (string | number)[][];
  /** Sentences printed under the table: how to read it, goals met or missed. */
  notes?: string[];
}

/** What a section produced. `raw` holds every sample, for report.json. */
export interface SectionResult {
  tables: BenchTable[];
  raw: Record<string, unknown>;
  /** Problems that make the section's figures doubtful (e.g. machine busy). */
  warnings?: string[];
}

/** One part of `npm run bench`; sections live in bench/sections/ and the harness runs them in order. */
export interface BenchSection {
  id: string;
  title: string;
  run(context: BenchContext): Promise<SectionResult>;
}
