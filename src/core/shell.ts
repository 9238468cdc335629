/**
 * The one shell-quoting function. Every command efsdoctor prints or sends is built from words passed through
 * `shellWord`/`shellCommand`, so a value from AWS, a template or a host can never leave its word (`;`, `$()`,
 * backticks, newlines, quotes): pasting a printed fix runs exactly the words shown.
 */

/** Characters that never need quoting in a POSIX shell word. */
const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/

/** POSIX single quotes, always: the value can never leave the quotes (a NUL cannot be passed to a shell at all). */
export function shellQuote(value: string): string {
  if (value.includes('\0')) throw new Error('a shell word cannot contain a NUL character')
  return `'${value.replaceAll('\'', '\'\\\'\'')}'`
}

/** One shell word: as is when it holds only safe characters, else single-quoted. */
export function shellWord(value: string): string {
  return SAFE_WORD.test(value) ? value : shellQuote(value)
}

/** A command line from words, each quoted as needed. */
export function shellCommand(words: readonly string[]): string {
  return words.map(shellWord).join(' ')
}

/**
 * `command` with `--region <region>` added when it is one plain `aws <service> <operation> …` (or `efsdoctor mount|probe`)
 * command without a region:
 * a pasted fix must not depend on the reader's default region. Anything else (a pipeline, `&&`, `$(…)`, a comment,
 * a command that names its region) is returned as it is. Linear: one pass over the text, tracking quotes.
 */
export function withRegion(command: string, region: string | undefined): string {
  if (!region || !/^(?:aws [a-z0-9-]+ [a-z0-9-]+|efsdoctor (?:mount|probe))(?: |$)/.test(command) || /(?:^| )--region(?:[ =]|$)/.test(command)) return command
  let quote = ''
  for (let i = 0; i < command.length; i++) {
    const c = command[i]
    if (quote) {
      if (c === quote) quote = ''
      else if (quote === '"' && (c === '`' || (c === '$' && command[i + 1] === '('))) return command
      else if (c === '\\' && quote === '"') i++
    } else if (c === '\'' || c === '"') {
      quote = c
    } else if (';&|<>`#\n\\'.includes(c) || (c === '$' && command[i + 1] === '(')) {
      return command
    }
  }
  return quote ? command : `${command} --region ${shellWord(region)}`
}

/** Words joined with `&&` (each part built with shellCommand). */
export function shellAnd(commands: readonly (readonly string[])[]): string {
  return commands.map(shellCommand).join(' && ')
}
