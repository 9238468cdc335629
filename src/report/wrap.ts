/**
 * Fitting text to the terminal: prose wraps at word boundaries with a hanging indent; shell commands wrap between
 * shell words with a trailing ` \` so the printed lines still paste as one command.
 */
import fullStringWidth from 'string-width'
import wrapAnsi from 'wrap-ansi'
import {trimTrailing} from '../core/trim.js'

export {terminalWidth} from './terminal.js'

/** `text` wrapped to `width`, the first line indented by `indent`, the rest by `indent + hang`. */
export function wrapProse(text: string, width: number, indent = 0, hang = 2): string[] {
  const room = Math.max(20, width - indent - hang)
  const lines = (PLAIN.test(text) ? wrapPlain(text, room) : wrapAnsi(text, room, {hard: true, trim: true})).split('\n')
  return lines.map((l, i) => `${' '.repeat(indent + (i === 0 ? 0 : hang))}${l}`)
}

/**
 * Characters one column wide and one UTF-16 unit long besides printable ASCII: the punctuation our own words use
 * (— … → · – × ≥ ≤ ▸ ⌈ ⌉ ⊆; test/report/string-width.test.ts holds each to string-width's answer). Not ✔ or ✖:
 * string-width counts those two columns.
 */
export const NARROW = '\u2014\u2026\u2192\u00b7\u2013\u00d7\u2265\u2264\u25b8\u2308\u2309\u2286'

/** Printable ASCII, our narrow punctuation and newlines: one column per character, no escapes, nothing to normalise. */
const PLAIN = new RegExp(`^[\\x20-\\x7e\\n${NARROW}]*$`)

/** Printable ASCII and our narrow punctuation only: its width is its length. */
const PRINTABLE = new RegExp(`^[\\x20-\\x7e${NARROW}]*$`)

/**
 * Terminal columns of `text`: its length when it is printable ASCII or our narrow punctuation (nearly every line of a
 * report, the header's "—" included), else string-width's answer. string-width's first call builds an
 * Intl.Segmenter and compiles its emoji regular expression: 15–30 ms of a run.
 */
export const stringWidth = (text: string): number => (PRINTABLE.test(text) ? text.length : fullStringWidth(text))

/**
 * wrap-ansi's `{hard: true, trim: true}` for PLAIN text, where a string's width is its length, except that a comma
 * list wider than a line breaks after its commas. wrap-ansi measures
 * every word and row with string-width (grapheme segmentation) and rebuilds the result a character at a time: most
 * of the table renderer's time on a 1,000-instance report. A test holds the two to the same output.
 */
export function wrapPlain(text: string, columns: number): string {
  return text.split('\n').map(line => wrapPlainLine(line, columns)).join('\n')
}

function wrapPlainLine(line: string, columns: number): string {
  if (line.trim() === '') return ''
  const rows = ['']
  const words = line.split(' ')
  for (let i = 0; i < words.length; i++) {
    const word = words[i]
    // NOTE: a row never starts with a space (words hold none; one is added only after a word), so no trimStart here:
    // it flattened the growing row on every word, quadratic on a long run of spaces (200 KB: 76 s).
    let row = rows[rows.length - 1]
    if (i !== 0 && row.length > 0) row += ' '
    rows[rows.length - 1] = row
    if (word.length > columns && word.includes(',')) {
      // NOTE: a comma list wider than a line (mount options: nfsvers=4.1,rsize=…,wsize=…) breaks after a comma, never
      // inside an option (wrap-ansi would cut `w` / `size=…`); a piece still wider than a line is cut.
      for (const piece of word.split(',').map((p, k, all) => (k < all.length - 1 ? `${p},` : p))) {
        if (rows[rows.length - 1].trim().length > 0 && rows[rows.length - 1].length + piece.length > columns) rows.push('')
        if (piece.length > columns) cutWord(rows, piece, columns)
        else rows[rows.length - 1] += piece
      }
      continue
    }
    if (word.length > columns) {
      // A word wider than a line is cut: it starts on this row when that does not cost a cut more.
      const breaksThisLine = 1 + Math.floor((word.length - (columns - row.length) - 1) / columns)
      const breaksNextLine = Math.floor((word.length - 1) / columns)
      if (breaksNextLine < breaksThisLine) rows.push('')
      cutWord(rows, word, columns)
      continue
    }
    if (row.length + word.length > columns && row.length > 0 && word.length > 0) rows.push('')
    rows[rows.length - 1] += word
  }
  return rows.map(r => trimTrailing(r, ' ')).join('\n')
}

/** wrap-ansi's wrapWord for plain text: fill the current row, then whole rows of `columns`. */
function cutWord(rows: string[], word: string, columns: number): void {
  let rest = word
  let room = columns - rows[rows.length - 1].length
  if (room <= 0) {
    rows.push('')
    room = columns
  }
  rows[rows.length - 1] += rest.slice(0, room)
  rest = rest.slice(room)
  while (rest.length > 0) {
    rows.push(rest.slice(0, columns))
    rest = rest.slice(columns)
  }
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

