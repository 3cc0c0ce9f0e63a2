/**
 * A partial run (`--only=…`) updates its own sections of an existing BENCHMARKS.md and keeps the
 * rest (header, reading and the other benchmarks' sections) as they are.
 * @packageDocumentation
 */

interface Block {
  /** The number in the heading (`## 3. Title`), which orders the sections. */
  n: number;
  title: string;
  text: string;
}

const HEADING = /^## (\d+)\. (.+)$/gm;

function parse(doc: string): { head: string; blocks: Block[] } {
  const matches = [...doc.matchAll(HEADING)];
  if (matches.length === 0) return { head: doc, blocks: [] };
  const blocks = matches.map((m, i) => ({
    n: Number(m[1]),
    title: m[2]!,
    text: doc.slice(m.index, matches[i + 1]?.index ?? doc.length).trimEnd(),
  }));
  return { head: doc.slice(0, matches[0]!.index), blocks };
}

/**
 * Replaces the sections of `oldDoc` that have the title of a section in `fresh` (rendered sections,
 * `## N. Title` first) and adds the new ones, in heading-number order.
 * @returns the whole document
 */
export function mergeSections(oldDoc: string, fresh: string[]): string {
  const old = parse(oldDoc);
  const byTitle = new Map(old.blocks.map((b) => [b.title, b]));
  for (const block of fresh.flatMap((f) => parse(f).blocks)) byTitle.set(block.title, block);
  return (
    old.head +
    [...byTitle.values()]
      .sort((a, b) => a.n - b.n)
      .map((b) => `${b.text}\n`)
      .join("\n")
  );
}
