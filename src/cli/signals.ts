/**
 * Ctrl-C exits 130 and SIGTERM 143 (128 + the signal's number), always, whether or not stderr is a terminal; on a
 * terminal the spinner's line is cleared and the cursor shown again. A reader that goes away before the output is
 * written (`efsdoctor check | head`) ends the run quietly with 141, as SIGPIPE ends git or kubectl (Node ignores the
 * signal and reports EPIPE instead, which was a stack trace); any other error writing stdout is one line, exit 2.
 * Installed before every command: by oclif's init hook (src/hooks/init.ts) and by the direct path (src/cli/run.ts).
 */
const SIGNAL_EXIT: ReadonlyArray<[NodeJS.Signals, number]> = [['SIGINT', 130], ['SIGTERM', 143]]

let installed = false

export function exitOnSignals(): void {
  if (installed) return
  installed = true
  for (const [signal, code] of SIGNAL_EXIT) {
    process.once(signal, () => {
      if (process.stderr.isTTY) process.stderr.write('\r\u001B[2K\u001B[?25h')
      process.exit(code)
    })
  }
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(141)
    process.stderr.write(`efsdoctor: cannot write the output: ${err.message.replace(/[\r\n]+/g, ' ')}\n`)
    process.exit(2)
  })
}
