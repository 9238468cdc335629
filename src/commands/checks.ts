import {Flags} from '../cli/flags.js'
import {BaseCommand} from '../base-command.js'
import {allChecks} from '../checks/index.js'
import {runsOnTemplates} from '../core/catalogue-docs.js'
import type {Check} from '../core/types.js'
import {TEMPLATE_PARTS} from '../model/snapshot.js'
import {terminalWidth, wrapProse} from '../report/wrap.js'

export default class Checks extends BaseCommand {
  static summary = 'List every check: id, severity, what it needs, and why it matters.'
  static description = 'One block per check: its id and severity, the desired condition, why it matters, the general fix, '
    + 'what it reads from the snapshot, and whether lint can answer it from a template. --brief prints one line per check; '
    + '--json prints the whole catalogue for tooling. docs/checks.md holds the same text.'

  static examples = ['<%= config.bin %> checks', '<%= config.bin %> checks --brief', '<%= config.bin %> checks --json']
  static flags = {
    json: Flags.boolean({description: 'Print the catalogue as JSON.', default: false, exclusive: ['brief']}),
    brief: Flags.boolean({description: 'One line per check: id, severity and title.', default: false}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Checks)
    if (flags.json) {
      this.emit(JSON.stringify(allChecks.map(({run: _run, ...meta}) => meta), null, 2))
      return
    }
    const width = terminalWidth()
    if (flags.brief) {
      // One line per check, id and severity in columns. On a terminal narrower than a line, the title wraps under
      // itself; piped or redirected, lines stay whole (for grep and cut).
      const idWidth = Math.max(...allChecks.map(c => c.id.length))
      const titleAt = idWidth + 2 + 7 + 2
      const room = process.stdout.isTTY ? width - titleAt : Number.POSITIVE_INFINITY
      this.emit(allChecks.flatMap(c => {
        const [first, ...rest] = room >= 20 && c.title.length > room ? wrapProse(c.title, room, 0, 0) : [c.title]
        return [`${c.id.padEnd(idWidth)}  ${c.severity.padEnd(7)}  ${first}`, ...rest.map(l => `${' '.repeat(titleAt)}${l}`)]
      }).join('\n'))
      return
    }
    this.emit(allChecks.map(c => describeCheck(c, width).join('\n')).join('\n\n'))
  }
}

/** A check as a few wrapped lines: what it wants, why, the fix, what it reads, and whether lint answers it. */
export function describeCheck(c: Check, width: number): string[] {
  return [
    `${c.id}  (${c.severity})`,
    ...wrapProse(c.title, width, 2, 2),
    ...wrapProse(`Why: ${c.description}`, width, 2, 4),
    ...wrapProse(`Fix: ${c.remediation}`, width, 2, 4),
    ...wrapProse(`Reads: ${c.needs.length ? c.needs.join(', ') : 'nothing beyond the scope'}`, width, 2, 4),
    ...wrapProse(`In lint: ${runsOnTemplates(c, TEMPLATE_PARTS) ? 'yes' : 'no (needs live state)'}`, width, 2, 4),
  ]
}
