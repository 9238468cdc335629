/**
 * Fitting text to the terminal: prose wraps at word boundaries with a hanging indent; shell commands wrap between
 * shell words with a trailing ` \` so the printed lines still paste as one command.
 */
import stringWidth from 'string-width'
import wrapAnsi from 'wrap-ansi'

/** The table's width: the terminal's columns, else COLUMNS, else 80 (never below 40). */
export function terminalWidth(stream: {isTTY?: boolean; columns?: number} = process.stdout): number {
  const cols = stream.isTTY && stream.columns ? stream.columns : Number.parseInt(process.env.COLUMNS ?? '', 10)
  return Math.max(40, Number.isFinite(cols) && cols > 0 ? cols : 80)
}

/** `text` wrapped to `width`, the first line indented by `indent`, the rest by `indent + hang`. */
export function wrapProse(text: string, width: number, indent = 0, hang = 2): string[] {
  const room = Math.max(20, width - indent - hang)
  const lines = wrapAnsi(text, room, {hard: true, trim: true}).split('\n')
  return lines.map((l, i) => `${' '.repeat(indent + (i === 0 ? 0 : hang))}${l}`)
}

/** Splits a command line into shell words, keeping quoted parts ('…', "…") and backslash escapes inside their word. */
export function shellWords(command: string): string[] {
  const words: string[] = []
  let cur = ''
  let quote: '"' | "'" | undefined
  for (let i = 0; i < command.length; i++) {
    const c = command[i]
    if (quote) {
      cur += c
      if (c === quote) quote = undefined
      else if (c === '\\' && quote === '"' && i + 1 < command.length) cur += command[++i]
    } else if (c === ' ' || c === '\t') {
      if (cur) words.push(cur)
      cur = ''
    } else {
      cur += c
      if (c === "'" || c === '"') quote = c
      else if (c === '\\' && i + 1 < command.length) cur += command[++i]
    }
  }
  if (cur) words.push(cur)
  return words
}

/**
 * One command line as several lines that bash reads back as the same command: words packed up to `width`, each
 * broken line ending in ` \`. A word longer than the room (a long quoted JSON, say) stays whole on its own line.
 * Lines that already hold a heredoc or several commands are returned as they are.
 */
export function wrapCommand(line: string, width: number, indent: number): string[] {
  const pad = ' '.repeat(indent)
  if (stringWidth(line) + indent <= width || /<<|\n/.test(line)) return [`${pad}${line}`]
  const room = width - indent - 2 // the continuation ` \`
  const out: string[] = []
  let cur = ''
  for (const w of shellWords(line)) {
    if (cur && stringWidth(cur) + 1 + stringWidth(w) > room) {
      out.push(`${cur} \\`)
      cur = `  ${w}`
    } else {
      cur = cur ? `${cur} ${w}` : w
    }
  }
  if (cur) out.push(cur)
  return out.flatMap(l => splitLongWord(`${pad}${l}`, width))
}

/**
 * A line still wider than `width` because one unquoted word is too long (an ARN, say) is cut inside that word with a
 * backslash-newline, which bash removes, so the next piece must start at column 0 to stay part of the same word.
 * Words holding quotes are left whole: inside '…' a backslash-newline is kept literally.
 */
function splitLongWord(line: string, width: number): string[] {
  if (stringWidth(line) <= width || /['"]/.test(line)) return [line]
  const out: string[] = []
  let rest = line
  while (stringWidth(rest) > width) {
    let cut = width - 1
    // Never leave a lone backslash at the cut (it would escape the continuation) nor end on a space.
    while (cut > 1 && (rest[cut - 1] === '\\' || rest[cut - 1] === ' ' || rest[cut] === ' ')) cut--
    out.push(`${rest.slice(0, cut)}\\`)
    rest = rest.slice(cut)
  }
  out.push(rest)
  return out
}

export {stringWidth}
