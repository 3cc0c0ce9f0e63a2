/**
 * The pieces of BENCHMARKS.md: one section per benchmark, each with its workload, a table and notes.
 * @packageDocumentation
 */

/** One benchmark's results. */
export interface Section {
  title: string;
  /** What was run, in one or two sentences. */
  workload: string;
  /** Table header cells. */
  header: string[];
  /** Table rows. */
  rows: string[][];
  /** Extra lines under the table. */
  notes: string[];
  /** Wall time of the benchmark, seconds. */
  seconds?: number;
}

/** Renders a Markdown table. */
export function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

/** Renders one section. */
export function renderSection(index: number, s: Section): string {
  const parts = [`## ${index}. ${s.title}`, "", `**Workload.** ${s.workload}`, ""];
  if (s.rows.length > 0) parts.push(table(s.header, s.rows), "");
  for (const note of s.notes) parts.push(`- ${note}`);
  if (s.seconds !== undefined) parts.push(`- Wall time of this benchmark: ${s.seconds.toFixed(0)} s.`);
  return parts.join("\n");
}

/** A section for a benchmark that threw: records the error instead of numbers. */
export function failedSection(title: string, workload: string, error: unknown): Section {
  const text = error instanceof Error ? (error.message.split("\n")[0] ?? String(error)) : String(error);
  return {
    title,
    workload,
    header: [],
    rows: [],
    notes: [`**Not measured in this run:** the benchmark failed with \`${text.replaceAll("`", "'")}\`.`],
  };
}
