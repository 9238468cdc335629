/**
 * oclif's command_not_found hook, in the tool's own error style: one line on stderr naming the closest command,
 * exit 2 (bad input). oclif joins the words of an unknown command with ':' (topicSeparator ' '), so only the first
 * word is the command; the rest were meant as its arguments.
 */
import type {Hook} from '@oclif/core'
import {distance} from 'fastest-levenshtein'
import {sanitizeText} from '../core/sanitize.js'

// NOTE: typed words reach the terminal; drop control and bidi characters (the one sanitizer), and line breaks.
const sanitizeLine = (s: string): string => sanitizeText(s).replace(/[\t\n]/g, '')

export function closestCommand(word: string, ids: readonly string[]): string | undefined {
  let best: string | undefined
  let bestD = Infinity
  for (const id of ids) {
    const d = distance(word.toLowerCase(), id.toLowerCase())
    if (d < bestD) [best, bestD] = [id, d]
  }
  // A suggestion must be plausibly the same word: at most a third of its letters changed, and two edits (one swap of neighbours) always allowed.
  return best !== undefined && bestD <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined
}

const hook: Hook<'command_not_found'> = async function (opts) {
  const visible = opts.config.commands.filter((c) => !c.hidden)
  const ids = [...new Set(visible.flatMap((c) => [c.id, ...c.aliases]))]
  const [word, ...rest] = opts.id.split(':')
  const suggestion = closestCommand(word, ids)
  const shown = sanitizeLine(word)
  const tail = suggestion
    ? `; did you mean "${[suggestion, ...rest.map(sanitizeLine)].join(' ')}"?`
    : `; run "${opts.config.bin} help" for the list of commands`
  process.stderr.write(`${opts.config.bin}: "${shown}" is not an ${opts.config.bin} command${tail}\n`)
  process.exit(2)
}

export default hook
