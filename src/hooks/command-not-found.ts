/**
 * oclif's command_not_found hook, in the tool's own error style: one line on stderr naming the closest command,
 * exit 2 (bad input). oclif joins the words of an unknown command with ':' (topicSeparator ' '), so only the first
 * word is the command; the rest were meant as its arguments.
 */
import type {Hook} from '@oclif/core'
import {distance} from 'fastest-levenshtein'
import {sanitizeText} from '../core/sanitize.js'
import {shellCommand} from '../core/shell.js'

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

/** The commands that have the flag `word` (`--list-examples`, `-c`), for a line whose first word is a command's flag. */
export function commandsWithFlag(word: string, commands: readonly {id: string; flags: Record<string, {char?: string}>}[]): string[] {
  const long = /^--([a-z][a-z0-9-]*)(?:=.*)?$/.exec(word)?.[1]
  const short = /^-([a-zA-Z])$/.exec(word)?.[1]
  if (!long && !short) return []
  return commands.filter(c => Object.entries(c.flags).some(([name, f]) => name === long || (short !== undefined && f.char === short))).map(c => c.id)
}

const hook: Hook<'command_not_found'> = async function (opts) {
  const visible = opts.config.commands.filter((c) => !c.hidden)
  const ids = [...new Set(visible.flatMap((c) => [c.id, ...c.aliases]))]
  const [word, ...rest] = opts.id.split(':')
  const owners = commandsWithFlag(word, visible as never)
  // NOTE: a flag that belongs to one command (`efsdoctor --list-examples`) was meant for it: say which.
  if (owners.length === 1) {
    const line = shellCommand([opts.config.bin, owners[0], word, ...rest, ...(opts.argv ?? [])].map(sanitizeLine))
    process.stderr.write(`${opts.config.bin}: "${sanitizeLine(word)}" is a flag of "${owners[0]}": run ${line}\n`)
    process.exit(2)
  }
  const suggestion = closestCommand(word, ids)
  const shown = sanitizeLine(word)
  const tail = suggestion
    ? `; did you mean "${[suggestion, ...rest.map(sanitizeLine)].join(' ')}"?`
    : `; run "${opts.config.bin} help" for the list of commands`
  process.stderr.write(`${opts.config.bin}: "${shown}" is not an ${opts.config.bin} command${tail}\n`)
  process.exit(2)
}

export default hook
