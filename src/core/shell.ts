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

/** Words joined with `&&` (each part built with shellCommand). */
export function shellAnd(commands: readonly (readonly string[])[]): string {
  return commands.map(shellCommand).join(' && ')
}
