/**
 * Ctrl-C exits 130 and SIGTERM 143 (128 + the signal's number), always, whether or not stderr is a terminal; on a
 * terminal the spinner's line is cleared and the cursor shown again. Installed before every command: by oclif's init
 * hook (src/hooks/init.ts) and by the direct path (src/cli/run.ts).
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
}
