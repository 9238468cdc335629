import {Flags} from '@oclif/core'
import {BaseCommand} from '../base-command.js'
import {allChecks} from '../checks/index.js'

export default class Checks extends BaseCommand {
  static summary = 'List every check: id, severity, what it needs, and why it matters.'
  static examples = ['<%= config.bin %> checks', '<%= config.bin %> checks --json']
  static flags = {json: Flags.boolean({description: 'Print the catalogue as JSON.', default: false})}

  async run(): Promise<void> {
    const {flags} = await this.parse(Checks)
    if (flags.json) {
      this.emit(JSON.stringify(allChecks.map(({run: _run, ...meta}) => meta), null, 2))
      return
    }
    const width = Math.max(...allChecks.map(c => c.id.length))
    this.emit(allChecks.map(c => `${c.id.padEnd(width)}  ${c.severity.padEnd(7)}  ${c.title}`).join('\n'))
  }
}
