/** The terminal's width, apart from wrap.ts so a command that only needs the number loads no wrapping library. */

/** The table's width: the terminal's columns, else COLUMNS, else 80 (never below 40). */
export function terminalWidth(stream: {isTTY?: boolean; columns?: number} = process.stdout): number {
  const cols = stream.isTTY && stream.columns ? stream.columns : Number.parseInt(process.env.COLUMNS ?? '', 10)
  return Math.max(40, Number.isFinite(cols) && cols > 0 ? cols : 80)
}
