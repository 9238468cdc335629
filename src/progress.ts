/**
 * Runs named steps in order, showing progress with listr2 on stderr when stderr is a terminal (stdout stays for the
 * report, so `--output json` is never polluted). Without a terminal, or in CI, the steps run silently.
 */
export interface Step {
  title: string
  run: () => Promise<unknown>
}

export function progressWanted(): boolean {
  return Boolean(process.stderr.isTTY) && !process.env.CI
}

export async function runSteps(steps: Step[], show = progressWanted()): Promise<void> {
  if (!show) {
    for (const step of steps) await step.run()
    return
  }
  const {Listr, ListrLogger, ProcessOutput} = await import('listr2')
  const logger = new ListrLogger({processOutput: new ProcessOutput(process.stderr, process.stderr)})
  const tasks = new Listr(steps.map(s => ({title: s.title, task: async () => { await s.run() }})), {
    concurrent: false,
    exitOnError: true,
    // NOTE: listr2's own handler exits 127 on Ctrl-C; src/hooks/init.ts exits 130 (SIGINT) / 143 (SIGTERM) instead.
    registerSignalListeners: false,
    rendererOptions: {logger, clearOutput: true},
    fallbackRendererOptions: {logger},
    fallbackRendererCondition: !process.stderr.isTTY,
  })
  await tasks.run()
}
