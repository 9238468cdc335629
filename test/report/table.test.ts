/**
 * The table fits the screen: with COLUMNS=80 no line of any shipped example's report is wider than 80 columns, long
 * lines wrap with a hanging indent, wrapped fix commands still paste as the same command in real bash, and every
 * failing finding shows its fix or points at the fix it shares.
 */
import {spawnSync} from 'node:child_process'
import {readdirSync} from 'node:fs'
import stringWidth from 'string-width'
import Check from '../../src/commands/check.js'
import Lint from '../../src/commands/lint.js'
import {shellWords, wrapCommand, wrapProse} from '../../src/report/wrap.js'
import {runCommand} from '../support/run-command.js'
import {runChecks} from '../../src/core/run-checks.js'
import {renderReport} from '../../src/report/index.js'
import {healthy} from '../support/snapshot-builder.js'
import {report} from '../support/report-fixtures.js'
import {clip, MAX_SHOWN, tableRenderer} from '../../src/report/table.js'
import {allChecks} from '../../src/checks/index.js'
import type {Finding, Report} from '../../src/core/types.js'

const snapshots = readdirSync('examples/snapshots').filter(f => f.endsWith('.json')).map(f => `examples/snapshots/${f}`)
const templates = readdirSync('examples/templates').map(f => `examples/templates/${f}`)

/** What bash makes of a command: its words, one per line (the command is only printed, never run). */
function bashWords(command: string): string {
  const r = spawnSync('bash', ['-c', `printf '%s\\n' ${command}`], {encoding: 'utf8'})
  expect(r.status).toBe(0)
  return r.stdout
}

describe('table width', () => {
  const saved = process.env.COLUMNS
  beforeAll(() => { process.env.COLUMNS = '80' })
  afterAll(() => { if (saved === undefined) delete process.env.COLUMNS; else process.env.COLUMNS = saved })

  it.each([...snapshots.map(f => [f, Check, ['--from', f]] as const), ...templates.map(f => [f, Lint, [f]] as const)])(
    '%s: no line wider than 80 columns, and each failure shows its fix or points at the shared one', async (_f, cmd, argv) => {
      const {stdout} = await runCommand(cmd, [...argv, '--fail-on', 'none'])
      const lines = stdout.split('\n')
      expect(lines.length).toBeGreaterThan(5)
      expect(lines.filter(l => stringWidth(l) > 80)).toEqual([])
      // Every failure block (a line starting with ✖) is followed, before the next block, by a fix line.
      const blocks = stdout.split(/\n(?=✖|\? |\n)/).filter(b => b.startsWith('✖'))
      for (const b of blocks) expect(b).toMatch(/\n {4}fix: /)
    })
})

describe('wrapping', () => {
  it('wraps prose with a hanging indent under the first line', () => {
    const lines = wrapProse('word '.repeat(40).trim(), 40, 4, 2)
    expect(lines.length).toBeGreaterThan(3)
    expect(lines[0]).toMatch(/^ {4}word/)
    for (const l of lines.slice(1)) expect(l).toMatch(/^ {6}word/)
    for (const l of lines) expect(stringWidth(l)).toBeLessThanOrEqual(40)
  })

  it.each([
    'aws ec2 create-network-acl-entry --network-acl-id acl-0efs0000000000001 --egress --rule-number 32766 --protocol tcp --port-range From=665,To=1023 --cidr-block 10.20.0.0/22 --rule-action allow',
    `aws efs put-file-system-policy --file-system-id fs-0123 --policy '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow"}]}' --region eu-west-1`,
    'aws ecs stop-task --cluster prod --task arn:aws:ecs:eu-west-1:123456789012:task/prod/0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a --reason x',
    `echo 'fs-1.efs.eu-west-1.amazonaws.com:/ /mnt/efs nfs4 a,b 0 0' --to /etc/fstab --then "two  spaces \\"quoted\\"" x\\ y`,
  ])('a wrapped command is the same command to bash: %s', (command) => {
    const wrapped = wrapCommand(command, 50, 6)
    expect(wrapped.length).toBeGreaterThan(1)
    for (const l of wrapped.slice(0, -1)) expect(l).toMatch(/\\$/)
    if (!/['"]/.test(command)) for (const l of wrapped) expect(stringWidth(l)).toBeLessThanOrEqual(50)
    expect(bashWords(wrapped.join('\n'))).toBe(bashWords(command))
  })

  it('keeps quoted words whole', () => {
    expect(shellWords(`a 'b c' "d \\" e" f\\ g`)).toEqual(['a', `'b c'`, `"d \\" e"`, 'f\\ g'])
  })

  it('leaves a short command, or one holding a heredoc, as it is', () => {
    expect(wrapCommand('aws ec2 describe-vpcs', 80, 6)).toEqual(['      aws ec2 describe-vpcs'])
    const heredoc = `cat <<'EOF' | sudo tee -a /etc/fstab ${'x '.repeat(60)}`
    expect(wrapCommand(heredoc, 80, 0)).toEqual([heredoc])
  })
})

describe('unknowns with one cause', () => {
  const unknown = (id: string, checkId = 'host/efs-mounted'): Finding => ({checkId, title: 't', severity: 'error', status: 'unknown',
    resource: {type: 'ec2-instance', id}, message: `Could not evaluate: the probe output of ${id} could not be read (no output); see host/ssm-managed.`, fingerprint: id + checkId})
  const ids = Array.from({length: 14}, (_, i) => `i-${String(i).padStart(17, '0')}`)
  const render = (r: Report, verbose = false) => tableRenderer.render(r, {catalogue: allChecks, color: false, verbose, width: 200})

  it('are one block naming three resources and how many more, the count still whole', () => {
    const out = render(report([...ids.map(id => unknown(id)), unknown(ids[0], 'host/mount-responds'), unknown(ids[1], 'host/mount-responds')]))
    expect(out).toContain('Could not evaluate (16)')
    expect(out.match(/^\? unknown +host\/efs-mounted/gm)).toHaveLength(1)
    expect(out).toContain(`${ids[0]}, ${ids[1]}, ${ids[2]} and 11 more (the same for each; --verbose lists them)`)
    // Two alike are fewer than a group: both shown.
    expect(out.match(/^\? unknown +host\/mount-responds/gm)).toHaveLength(2)
    expect(out).toContain('16 unknown')
  })

  it('--verbose lists each one', () => {
    expect(render(report(ids.map(id => unknown(id))), true).match(/^\? unknown +host\/efs-mounted/gm)).toHaveLength(14)
  })
})

describe('the overview table', () => {
  const finding = (checkId: string, status: Finding['status'], id: string): Finding => ({checkId, title: 't', severity: 'error', status,
    resource: {type: 'ec2-instance', id}, message: `${checkId} ${status} on ${id}`, fingerprint: `${checkId}${id}`})
  const render = (r: Report, verbose = false) => tableRenderer.render(r, {catalogue: allChecks, color: false, verbose, width: 120})
  const rows = (out: string) => [...out.matchAll(/^│ (\S+) /gm)].map(m => m[1]).filter(id => id !== 'check')

  it('without --verbose, counts the checks that skipped every resource in one line instead of a row each', () => {
    const r = report([finding('network/vpc-dns', 'pass', 'a'), finding('network/vpc-dns', 'skipped', 'b'),
      finding('host/efs-mounted', 'skipped', 'a'), finding('host/dns-resolves', 'skipped', 'a'), finding('userdata/secrets', 'unknown', 'a')])
    const out = render(r)
    // A check that skipped some resources and passed others keeps its row.
    expect(rows(out)).toEqual(['network/vpc-dns', 'userdata/secrets'])
    expect(out).toContain('2 more checks skipped every resource: --verbose lists them with the reason')
    expect(rows(render(r, true))).toEqual(['network/vpc-dns', 'host/efs-mounted', 'host/dns-resolves', 'userdata/secrets'])
    expect(render(r, true)).not.toContain('skipped every resource')
  })

  it('on a terminal narrower than the box, lists one check per line, so no line runs past the edge', () => {
    const r = report([finding('network/vpc-dns', 'pass', 'a'), finding('network/vpc-dns', 'skipped', 'b'),
      finding('userdata/client-installed-before-mount', 'fail', 'a'), finding('host/efs-mounted', 'skipped', 'a')])
    const narrow = tableRenderer.render(r, {catalogue: allChecks, color: false, verbose: false, width: 50})
    expect(narrow).not.toContain('┌')
    expect(narrow).toContain('\nnetwork/vpc-dns: 1 pass, 1 skipped\nuserdata/client-installed-before-mount: 1 fail\n')
    expect(narrow).toContain('1 more check skipped every resource')
    expect(Math.max(...narrow.split('\n').map(l => stringWidth(l)))).toBeLessThanOrEqual(50)
    expect(render(r)).toContain('┌')
  })

  it('with nothing skipped everywhere, says nothing about it; with everything skipped, shows no empty table', () => {
    expect(render(report([finding('network/vpc-dns', 'pass', 'a')]))).not.toContain('skipped every resource')
    const out = render(report([finding('host/efs-mounted', 'skipped', 'a')]))
    expect(out).toContain('1 check skipped every resource: --verbose lists them with the reason')
    expect(out).not.toContain('┌')
  })
})

describe('the verdict when nothing failed', () => {
  it('says nothing was evaluated, not "passed", when every selected check skipped (table, markdown, html)', async () => {
    const s = healthy()
    delete s.hostFacts
    const skippedOnly = runChecks(allChecks, s, {only: ['host/']})
    expect(skippedOnly.summary).toMatchObject({pass: 0, fail: 0, unknown: 0})
    const ctx = {catalogue: allChecks, color: false, verbose: false, width: 100}
    for (const format of ['table', 'markdown', 'html'] as const) {
      const text = await renderReport(format, skippedOnly, ctx)
      expect([format, /Nothing was evaluated/.test(text), /every check that could look passed/.test(text)]).toEqual([format, true, false])
    }
    const passing = runChecks(allChecks, healthy())
    expect(await renderReport('table', passing, ctx)).toMatch(/every check that could look passed/)
  })
})

describe('hostile sizes', () => {
  it('cuts an id, a message or a summary longer than a screen (saying how much), and never prints a cut command', () => {
    const huge = `/mnt/${'a'.repeat(2_000_000)}`
    const f: Finding = {checkId: 'ecs/volume-source-on-efs', title: 't', severity: 'error', status: 'fail', resource: {type: 'task-definition', id: `td${huge}`},
      message: `Volume "shared" (host path ${huge}) is outside every EFS mount.`, fix: {summary: `Point ${huge} under the mount.`, command: `efsdoctor userdata --path '${huge}'`}}
    const out = tableRenderer.render(report([f], {cluster: `c${'x'.repeat(5_000_000)}`}), {catalogue: allChecks, color: false, verbose: false, width: 100})
    expect(out.length).toBeLessThan(20_000)
    expect(out).toContain('more characters; --output json has them all)')
    expect(out).toContain(`(a command of ${f.fix!.command!.length} characters: --output json has it)`)
    expect(out).not.toContain("efsdoctor userdata --path '/mnt/aaaa")
    // A short command is printed whole.
    const short = tableRenderer.render(report([{...f, resource: {type: 'task-definition', id: 'td'}, message: 'm', fix: {summary: 's', command: 'efsdoctor userdata --path /mnt/efs'}}]),
      {catalogue: allChecks, color: false, verbose: false, width: 100})
    expect(short).toContain('efsdoctor userdata --path /mnt/efs')
  })

  it('never cuts inside a surrogate pair', () => {
    const text = `${'a'.repeat(MAX_SHOWN - 1)}😀${'b'.repeat(10)}`
    const cut = clip(text)
    expect(cut.startsWith(`${'a'.repeat(MAX_SHOWN - 1)}…`)).toBe(true)
    expect(clip('short')).toBe('short')
  })
})
