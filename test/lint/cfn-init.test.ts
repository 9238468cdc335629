import {readFileSync, writeFileSync, mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {lintTemplateFile} from '../../src/lint/index.js'

const FILE = 'test/fixtures/templates/cfn-init-noecho.yaml'
const verdicts = (findings: {checkId: string; status: string}[]) =>
  Object.fromEntries(findings.filter(f => f.checkId.startsWith('userdata/')).map(f => [f.checkId, f.status]))

describe('lint: AWS::CloudFormation::Init run by cfn-init, and NoEcho parameters in UserData', () => {
  it('reads packages, files and commands (alphabetical) and services of the configs cfn-init runs', async () => {
    const {report, snapshot} = await lintTemplateFile(FILE, {region: 'us-east-1'})
    expect(snapshot.userData![0].cfnInit).toEqual([{resource: 'HostTemplate', configSets: {default: ['mount', 'app'], other: ['app']}, configs: {
      mount: "yum install -y amazon-efs-utils\ncat > /etc/fstab <<'EFSDOCTOR_CFN_INIT_FILE'\n${Storage}:/ /mnt/efs efs _netdev,tls 0 0\nEFSDOCTOR_CFN_INIT_FILE\nmkdir -p /mnt/efs\nmount -a -t efs",
      app: 'service docker start'}, lines: {mount: 21, app: 34}}])
    const mounts = report.findings.find(f => f.checkId === 'userdata/mounts-efs')!
    // NOTE: line 2 of the script runs cfn-init; the message says so, and the finding points at the config that mounts.
    expect(mounts).toMatchObject({status: 'pass', message: expect.stringContaining("Line 2 (cfn-init HostTemplate config mount) of UserData HostTemplate mounts ${Storage} (`${Storage}:/` at /mnt/efs")})
    expect(mounts.location).toEqual({file: FILE, line: 21, logicalId: 'HostTemplate'})
    expect(verdicts(report.findings)).toMatchObject({'userdata/client-installed-before-mount': 'pass', 'userdata/fstab-netdev': 'fail'})
    expect(report.findings.find(f => f.checkId === 'userdata/client-installed-before-mount')!.message)
      .toBe('Line 2 (cfn-init HostTemplate config mount) installs amazon-efs-utils before it mounts.')
    const fstab = report.findings.find(f => f.checkId === 'userdata/fstab-netdev')!
    expect(fstab.severity).toBe('warning')
    expect(fstab.message).toMatch(/the fstab entry for \/mnt\/efs on line 2 \(cfn-init HostTemplate config mount\) lacks nofail/)
    expect(fstab.location?.line).toBe(21)
    expect(fstab.evidence).toMatchObject({cfnInit: {resource: 'HostTemplate', config: 'mount'}, scriptLine: 2})
    // A finding about the script's own line still points at that line of UserData.
    const secrets = report.findings.find(f => f.checkId === 'userdata/secrets' && f.status === 'fail')!
    expect(secrets.location?.line).not.toBe(21)
  })

  it('runs only the configSets named with --configsets; without cfn-init the Init metadata is not read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'efsd-cfninit-'))
    const other = join(dir, 'other.yaml')
    writeFileSync(other, readFileSync(FILE, 'utf8').replace('--resource HostTemplate', '--resource HostTemplate --configsets other'))
    expect((await lintTemplateFile(other)).report.findings.find(f => f.checkId === 'userdata/mounts-efs')!.status).toBe('fail')
    const none = join(dir, 'none.yaml')
    writeFileSync(none, readFileSync(FILE, 'utf8').replace(/^ *\/opt\/aws\/bin\/cfn-init.*\n/m, ''))
    const {report, snapshot} = await lintTemplateFile(none)
    expect(snapshot.userData![0].cfnInit).toBeUndefined()
    expect(report.findings.find(f => f.checkId === 'userdata/mounts-efs')!.status).toBe('fail')
  })

  it('fails userdata/secrets for a NoEcho parameter substituted into UserData, naming the line and parameter only', async () => {
    const {report, snapshot} = await lintTemplateFile(FILE, {region: 'us-east-1'})
    expect(snapshot.template?.noEchoParameters).toEqual(['DBPassword'])
    const secrets = report.findings.filter(f => f.checkId === 'userdata/secrets')
    expect(secrets).toHaveLength(1)
    expect(secrets[0]).toMatchObject({status: 'fail', severity: 'warning', key: {kind: 'noecho-parameter', parameter: 'DBPassword'}})
    expect(secrets[0].message).toMatch(/Line 3 of UserData HostTemplate substitutes \$\{DBPassword\}, a NoEcho parameter/)
  })
})
