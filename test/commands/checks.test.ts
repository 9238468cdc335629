import {allChecks} from '../../src/checks/index.js'
import Checks from '../../src/commands/checks.js'
import {runCommand} from '../support/run-command.js'

describe('efsdoctor checks', () => {
  it('--brief, piped: exactly one whole line per check (id, severity, title), in the catalogue order', async () => {
    const r = await runCommand(Checks, ['--brief'])
    expect(r.code).toBe(0)
    const lines = r.stdout.trimEnd().split('\n')
    expect(lines).toHaveLength(allChecks.length)
    for (const [i, c] of allChecks.entries()) expect(lines[i].split(/\s{2,}/)).toEqual([c.id, c.severity, c.title])
  })

  it('--json lists every check with its metadata and no code', async () => {
    const r = await runCommand(Checks, ['--json'])
    const list = JSON.parse(r.stdout) as {id: string; run?: unknown}[]
    expect(list.map(c => c.id)).toEqual(allChecks.map(c => c.id))
    for (const c of list) expect(c.run).toBeUndefined()
  })
})
