/**
 * `lint` given a UserData script on its own (a Terraform user_data template, what a launch template was given in the
 * console): the userdata checks judge it, with --file-system and --cluster-name as what it should mount and join.
 * Real scripts from the userdata corpus (cited in test/fixtures/userdata-corpus/README.md), plus small ones written here.
 */
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import Lint from '../../src/commands/lint.js'
import {lintTemplateFile} from '../../src/lint/index.js'
import {isUserDataScript} from '../../src/lint/script.js'
import {userDataSnippet} from '../../src/remote/user-data-snippet.js'
import {expectOneLineExit2, runCommand} from '../support/run-command.js'

const CORPUS = 'test/fixtures/userdata-corpus'
const FS = 'fs-0a1b2c3d4e5f60718'
const dir = mkdtempSync(join(tmpdir(), 'efsd-lint-script-'))
const file = (name: string, text: string): string => {
  const p = join(dir, name)
  writeFileSync(p, text)
  return p
}
const verdicts = (fs: {checkId: string; status: string}[]) => Object.fromEntries(fs.map(f => [f.checkId, f.status]))

const GOOD = `#!/bin/bash
echo ECS_CLUSTER=prod >> /etc/ecs/ecs.config
yum install -y amazon-efs-utils
mkdir -p /mnt/efs
echo "${FS}:/ /mnt/efs efs _netdev,tls,nofail 0 0" >> /etc/fstab
mount -a
`

describe('lint: a UserData script on its own', () => {
  it('tells scripts from templates by how cloud-init sees them', () => {
    for (const t of ['#!/bin/bash\n', '#cloud-config\nruncmd: []\n', '#cloud-boothook\n', 'Content-Type: multipart/mixed; boundary="x"\n', '#include\nhttps://x\n',
      '\n#!/bin/bash\n', '\uFEFF#!/bin/bash\n', 'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="x"\n']) {
      expect(isUserDataScript(t)).toBe(true)
    }
    // A script whose #! is missing is still a script (script-runs says cloud-init will not run it).
    for (const t of ['yum install -y amazon-efs-utils\nmount -a\n', '#/bin/bash\nmount -a\n', 'EFS_ID=fs-1\nmount -t efs $EFS_ID /mnt\n']) {
      expect(isUserDataScript(t)).toBe(true)
    }
    for (const t of ['Resources:\n  A: {Type: X}\n', '{"Resources": {}}', '# a comment\nResources: {}\n', 'AWSTemplateFormatVersion: "2010-09-09"\n',
      'mount: x\nResources: {}\n', 'Description: mounts EFS\nResources:\n  A: {Type: X}\n']) {
      expect(isUserDataScript(t)).toBe(false)
    }
  })

  it('runs only the userdata checks and points findings at the script\'s lines (a real Terraform script)', async () => {
    const path = `${CORPUS}/geneames-nfs4-no-client-no-fstab.sh`
    const {report, snapshot} = await lintTemplateFile(path, {fileSystems: [FS], region: 'eu-west-1'})
    expect(snapshot.template?.script).toBe(true)
    expect(new Set(report.findings.map(f => f.checkId.split('/')[0]))).toEqual(new Set(['userdata']))
    const fstab = report.findings.find(f => f.checkId === 'userdata/fstab-netdev')!
    expect(fstab.status).toBe('fail')
    expect(fstab.location).toEqual({file: path, line: 4, logicalId: 'geneames-nfs4-no-client-no-fstab.sh'})
    // NOTE: the device is a Terraform variable: compared with the named file system it is unknown, never a fail.
    expect(report.findings.find(f => f.checkId === 'userdata/mounts-efs')?.status).toBe('unknown')
  })

  it('passes a correct script, fails one that mounts another file system or joins another cluster', async () => {
    const good = await lintTemplateFile(file('good.sh', GOOD), {fileSystems: [FS], clusterName: 'prod'})
    expect(verdicts(good.report.findings)).toEqual({'userdata/mounts-efs': 'pass', 'userdata/client-installed-before-mount': 'pass',
      'userdata/fstab-netdev': 'pass', 'userdata/mount-before-docker': 'pass', 'userdata/script-runs': 'pass', 'userdata/secrets': 'pass'})
    const other = await lintTemplateFile(file('other.sh', GOOD), {fileSystems: ['fs-11111111'], clusterName: 'staging'})
    expect(verdicts(other.report.findings)).toMatchObject({'userdata/mounts-efs': 'fail', 'userdata/script-runs': 'fail'})
    expect(other.report.findings.find(f => f.checkId === 'userdata/mounts-efs')!.message).toMatch(/mounts fs-0a1b2c3d4e5f60718.*not fs-11111111/)
  })

  it('a header after a blank line is read as a script, and script-runs says cloud-init will not run it', async () => {
    const {report} = await lintTemplateFile(file('late-header.sh', `\n${GOOD}`), {fileSystems: [FS]})
    const f = report.findings.find(x => x.checkId === 'userdata/script-runs')!
    expect(f.status).toBe('fail')
    expect(f.message).toMatch(/not on line 1/)
  })

  it('follows a script cloud-config writes with write_files and runs from runcmd (our own cloud-config snippet passes)', async () => {
    const text = userDataSnippet({fileSystemId: FS, path: '/mnt/efs', format: 'cloud-config'})
    expect(text).toMatch(/runcmd:\n {2}- \[bash, \//)
    const {report} = await lintTemplateFile(file('own.yaml', text), {fileSystems: [FS]})
    expect(verdicts(report.findings)).toMatchObject({'userdata/mounts-efs': 'pass', 'userdata/client-installed-before-mount': 'pass',
      'userdata/fstab-netdev': 'pass', 'userdata/mount-before-docker': 'pass'})
    // The same script written but never run mounts nothing.
    const unrun = await lintTemplateFile(file('unrun.yaml', text.replace(/runcmd:[\s\S]*$/, '')), {fileSystems: [FS]})
    expect(verdicts(unrun.report.findings)['userdata/mounts-efs']).toBe('fail')
  })

  it('reads a Terraform template as Terraform renders its escapes: $${X} is the shell\'s ${X}', async () => {
    const tpl = ['#!/bin/bash', 'EFS_ID="${efs_id}"', 'MOUNT_POINT=/mnt/efs', 'yum install -y amazon-efs-utils', 'mkdir -p $${MOUNT_POINT}',
      'echo "$${EFS_ID}:/ $${MOUNT_POINT} efs _netdev,tls,nofail 0 0" >> /etc/fstab', 'mount -a -t efs', ''].join('\n')
    const {report, snapshot} = await lintTemplateFile(file('user_data.tftpl', tpl), {fileSystems: [FS]})
    // NOTE: read as bash, `$${EFS_ID}` is the PID and a brace: "mounts no EFS file system", a false error.
    const v = verdicts(report.findings)
    expect(v).toMatchObject({'userdata/mounts-efs': 'unknown', 'userdata/fstab-netdev': 'pass', 'userdata/client-installed-before-mount': 'pass'})
    expect(report.findings.find(f => f.checkId === 'userdata/mounts-efs')!.message).toMatch(/mounts \$\{efs_id\}:\/; the file-system id is an unresolved value/)
    expect(snapshot.scope.notes?.find(n => n.startsWith('Read as a Terraform template'))).toMatch(/\$\$\{X\} is the shell's \$\{X\} once rendered/)
    // A plain shell script is not rendered.
    const plain = await lintTemplateFile(file('plain.sh', GOOD), {fileSystems: [FS]})
    expect(plain.snapshot.scope.notes?.some(n => n.includes('Terraform'))).toBe(false)
  })

  it('a mount by address is unknown when no mount-target address is known (not "mounts another file system")', async () => {
    const ip = GOOD.replace(`${FS}:/ /mnt/efs efs _netdev,tls,nofail`, '10.0.1.25:/ /mnt/efs nfs4 nfsvers=4.1,hard,noresvport,_netdev,nofail')
    const {report} = await lintTemplateFile(file('ip.sh', ip), {fileSystems: [FS]})
    const m = report.findings.find(f => f.checkId === 'userdata/mounts-efs')!
    expect(m.status).toBe('unknown')
    expect(m.message).toMatch(/mounts by the address 10\.0\.1\.25; which file system that address serves is not known/)
  })

  it('fails a script with Windows line endings: the kernel looks for /bin/bash\\r', async () => {
    const {report} = await lintTemplateFile(file('crlf.sh', GOOD.replace(/\n/g, '\r\n')), {fileSystems: [FS], clusterName: 'prod'})
    const f = report.findings.find(x => x.checkId === 'userdata/script-runs')!
    expect(f).toMatchObject({status: 'fail', location: {line: 1}})
    expect(f.message).toMatch(/ends in a carriage return \(Windows line endings\), so the kernel looks for the interpreter "\/bin\/bash\\r"/)
    // The rest is still read as the script it was meant to be.
    expect(verdicts(report.findings)['userdata/mounts-efs']).toBe('pass')
  })

  it('says what a carriage return does to a #! line with an argument: bash gets the option "-ex\\r", env looks for "bash\\r"', async () => {
    const {crlfEffect} = await import('../../src/checks/userdata/script-runs.js')
    expect(crlfEffect('#!/bin/bash\r')).toBe('the kernel looks for the interpreter "/bin/bash\\r", which does not exist ("bad interpreter")')
    expect(crlfEffect('#!/bin/bash -ex\r')).toBe('the kernel starts /bin/bash with the argument "-ex\\r", which it rejects ("invalid option")')
    expect(crlfEffect('#! /usr/bin/env bash\r')).toBe('/usr/bin/env looks for the program "bash\\r", which does not exist ("No such file or directory")')
    // Real bash, given that #! line: it does not run the script.
    const {spawnSync} = await import('node:child_process')
    const p = file('crlf-ex.sh', '#!/bin/bash -ex\r\necho ran\r\n')
    const r = spawnSync('bash', ['-c', `chmod +x '${p}' && '${p}'`], {encoding: 'utf8'})
    expect(r.stdout).not.toContain('ran')
    expect(r.stderr).toMatch(/invalid option/)
  })

  it('a systemd mount unit is a mount efsdoctor does not read: unknown, not "mounts no EFS file system"', async () => {
    const unit = ['#!/bin/bash', 'yum install -y amazon-efs-utils', 'mkdir -p /mnt/efs', "cat > /etc/systemd/system/mnt-efs.mount <<'UNIT'",
      '[Mount]', `What=${FS}:/`, 'Where=/mnt/efs', 'Type=efs', 'Options=_netdev,tls', 'UNIT', 'systemctl daemon-reload', 'systemctl enable --now mnt-efs.mount', ''].join('\n')
    const {report} = await lintTemplateFile(file('unit.sh', unit), {fileSystems: [FS]})
    const v = verdicts(report.findings)
    for (const id of ['userdata/mounts-efs', 'userdata/client-installed-before-mount', 'userdata/fstab-netdev', 'userdata/mount-before-docker']) expect({id, v: v[id]}).toEqual({id, v: 'unknown'})
    expect(report.findings.find(f => f.checkId === 'userdata/mounts-efs')!.message).toMatch(/line 4 sets up the systemd mount unit mnt-efs\.mount, which efsdoctor cannot read: it may mount/)
  })

  it('a byte-order mark before #! is named as such (cloud-init and the kernel need #! as the first two bytes)', async () => {
    const {report} = await lintTemplateFile(file('bom.sh', `\uFEFF${GOOD}`), {fileSystems: [FS]})
    const f = report.findings.find(x => x.checkId === 'userdata/script-runs')!
    expect(f.status).toBe('fail')
    expect(f.message).toMatch(/not on line 1 \(a byte-order mark before it\)/)
  })

  it('with two --file-system, a script that mounts one of them fails naming the other', async () => {
    const {report} = await lintTemplateFile(file('one-of-two.sh', GOOD), {fileSystems: [FS, 'fs-11111111']})
    const m = report.findings.find(f => f.checkId === 'userdata/mounts-efs')!
    expect(m.status).toBe('fail')
    expect(m.message).toBe(`UserData one-of-two.sh mounts ${FS} but not fs-11111111, which --file-system names.`)
  })

  it('follows a script the UserData writes with a heredoc and then runs (it was "cannot read": unknown)', async () => {
    const text = ['#!/bin/bash', "cat > /usr/local/bin/mount-efs.sh <<'SCRIPT'", '#!/bin/bash', 'yum install -y amazon-efs-utils', 'mkdir -p /mnt/efs',
      `echo "${FS}:/ /mnt/efs efs _netdev,tls 0 0" >> /etc/fstab`, 'mount -a -t efs', 'SCRIPT', 'chmod +x /usr/local/bin/mount-efs.sh',
      '/usr/local/bin/mount-efs.sh', ''].join('\n')
    const {report} = await lintTemplateFile(file('heredoc.sh', text), {fileSystems: [FS]})
    expect(verdicts(report.findings)).toMatchObject({'userdata/mounts-efs': 'pass', 'userdata/client-installed-before-mount': 'pass',
      'userdata/mount-before-docker': 'pass', 'userdata/fstab-netdev': 'fail'})
    expect(report.findings.find(f => f.checkId === 'userdata/fstab-netdev')!.message).toMatch(/lacks nofail/)
    // Written but not run: nothing is mounted, so nothing about the mount is judged.
    const unrunText = text.replace(/\n\/usr\/local\/bin\/mount-efs\.sh\n$/, '\n')
    expect(unrunText).not.toBe(text)
    const unrun = await lintTemplateFile(file('heredoc-unrun.sh', unrunText), {fileSystems: [FS]})
    expect(verdicts(unrun.report.findings)['userdata/mounts-efs']).toBe('fail')
  })

  it('a script the UserData writes and runs but which mounts nothing is judged (it was "cannot read": unknown); one it never wrote stays unknown', async () => {
    const text = ['#!/bin/bash', "cat > /opt/setup.sh <<'SCRIPT'", '#!/bin/bash', 'echo hello', 'SCRIPT', 'chmod +x /opt/setup.sh', '/opt/setup.sh',
      'yum install -y amazon-efs-utils', ''].join('\n')
    const {report} = await lintTemplateFile(file('written-noop.sh', text), {fileSystems: [FS]})
    const mounts = report.findings.find(f => f.checkId === 'userdata/mounts-efs')!
    expect(mounts.status).toBe('fail')
    expect(mounts.message).not.toMatch(/cannot read/)
    for (const id of ['userdata/fstab-netdev', 'userdata/mount-before-docker']) expect(verdicts(report.findings)[id]).toBe('skipped')
    // The same run line without the write: the script comes from elsewhere (an AMI, cfn-init files), so it may mount.
    const opaque = await lintTemplateFile(file('unwritten.sh', ['#!/bin/bash', '/opt/setup.sh', 'yum install -y amazon-efs-utils', ''].join('\n')), {fileSystems: [FS]})
    const m = opaque.report.findings.find(f => f.checkId === 'userdata/mounts-efs')!
    expect(m.status).toBe('unknown')
    expect(m.message).toMatch(/runs \/opt\/setup\.sh, which efsdoctor cannot read/)
  })

  it('a Terraform reference such as ${aws_efs_file_system.x.id} is a value Terraform fills in, not a "bad substitution" (it was a false fail)', async () => {
    // The shape of a launch template's user_data heredoc in a .tf file, cut out as it is (found by a fresh-eyes trial).
    const text = ['#!/bin/bash', 'yum install -y amazon-efs-utils', 'mkdir -p /mnt/efs',
      'mount -t efs -o tls ${aws_efs_file_system.shared_storage.id}:/ /mnt/efs',
      'echo "${aws_efs_file_system.shared_storage.id}:/ /mnt/efs efs _netdev,tls,nofail 0 0" >> /etc/fstab', ''].join('\n')
    for (const name of ['heredoc-body.sh', 'user_data.tpl']) {
      const {report, snapshot} = await lintTemplateFile(file(name, text), {fileSystems: [FS]})
      const mounts = report.findings.find(f => f.checkId === 'userdata/mounts-efs')!
      expect({name, status: mounts.status}).toEqual({name, status: 'unknown'})
      expect(mounts.message).toMatch(/mounts \$\{aws_efs_file_system\.shared_storage\.id\}:\/; the file-system id is an unresolved value/)
      expect(verdicts(report.findings)).toMatchObject({'userdata/fstab-netdev': 'pass', 'userdata/client-installed-before-mount': 'pass'})
      expect(snapshot.userData?.[0].renderedBy).toBe('terraform')
      expect(snapshot.scope.notes?.join(' ')).toMatch(/given with file\(\), they reach bash as they are/)
    }
    // UserData read from AWS is what the instance runs: there the same reference stops the command ("bad substitution").
    const {healthy} = await import('../support/snapshot-builder.js')
    const {runChecks} = await import('../../src/core/run-checks.js')
    const {allChecks} = await import('../../src/checks/index.js')
    const s = healthy()
    s.userData = [{...s.userData![0], text}]
    const live = runChecks(allChecks.filter(c => c.id === 'userdata/mounts-efs'), s).findings[0]
    expect(live.status).toBe('fail')
    expect(live.message).toMatch(/bad substitution/)
  })

  it('`mount -a` with no fstab line of its own mounts what the image lists: unknown, not "no mount command" (it was a false fail)', async () => {
    const text = ['#!/bin/bash', 'echo ECS_CLUSTER=prod >> /etc/ecs/ecs.config', 'mount -a', ''].join('\n')
    const {report} = await lintTemplateFile(file('image-fstab.sh', text), {fileSystems: [FS], clusterName: 'prod'})
    const mounts = report.findings.find(f => f.checkId === 'userdata/mounts-efs')!
    expect(mounts.status).toBe('unknown')
    expect(mounts.message).toMatch(/line 3 runs `mount -a` without writing an fstab line of its own, so it mounts what the image's \/etc\/fstab lists/)
    // With an fstab line of its own, `mount -a` is judged as before; `mount -a -t ext4` mounts no NFS at all.
    const own = await lintTemplateFile(file('own-fstab.sh', GOOD), {fileSystems: [FS]})
    expect(verdicts(own.report.findings)['userdata/mounts-efs']).toBe('pass')
    const ext4 = await lintTemplateFile(file('ext4.sh', text.replace('mount -a', 'mount -a -t ext4')), {fileSystems: [FS], clusterName: 'prod'})
    expect(verdicts(ext4.report.findings)['userdata/mounts-efs']).toBe('fail')
  })

  it('a script whose #! is missing and which starts with a comment is a script, judged as the script it was meant to be', async () => {
    const text = ['# Make sure all packages are up-to-date', 'yum install -y amazon-efs-utils', 'mkdir -p /mnt/efs',
      `echo "${FS}:/ /mnt/efs efs _netdev,tls,nofail 0 0" >> /etc/fstab`, 'mount -a -t efs', ''].join('\n')
    expect(isUserDataScript(text)).toBe(true)
    const {report} = await lintTemplateFile(file('comment-first.sh', text), {fileSystems: [FS]})
    const v = verdicts(report.findings)
    // One failure, with the right reason: the mount is there, cloud-init just never runs the script.
    expect(v).toMatchObject({'userdata/script-runs': 'fail', 'userdata/mounts-efs': 'pass', 'userdata/fstab-netdev': 'pass'})
    expect(report.findings.find(f => f.checkId === 'userdata/script-runs')!.message).toMatch(/line 1 is "# Make sure all packages are up-to-date", not #!/)
    // A YAML template that starts with a comment is still a template.
    expect(isUserDataScript('# my stack\nAWSTemplateFormatVersion: "2010-09-09"\nResources: {}\n')).toBe(false)
  })

  it('the fix of a lone script is never the CloudFormation snippet, and has no command when no file system is known', async () => {
    const text = ['#!/bin/bash', 'yum install -y amazon-efs-utils', 'mkdir -p /mnt/efs', 'echo "${EFS_ID}:/ /mnt/efs efs _netdev,tls 0 0" >> /etc/fstab', 'mount -a', ''].join('\n')
    const none = (await lintTemplateFile(file('no-fs.sh', text))).report.findings.find(f => f.checkId === 'userdata/fstab-netdev')!
    expect(none.status).toBe('fail')
    expect(none.fix!.summary).toMatch(/nofail/)
    expect(none.fix!.command).toBeUndefined()
    const named = (await lintTemplateFile(file('named-fs.sh', text), {fileSystems: [FS]})).report.findings.find(f => f.checkId === 'userdata/fstab-netdev')!
    expect(named.fix!.command).toBe(`efsdoctor userdata --file-system ${FS} --path /mnt/efs --tls`)
  })

  it('our own snippet with --cluster passes all six userdata checks for that cluster, in each format; a bad name is refused', async () => {
    for (const format of ['bash', 'cloud-config'] as const) {
      const text = userDataSnippet({fileSystemId: FS, path: '/mnt/efs', tls: true, cluster: 'prod', format})
      expect(text).toContain("grep -qx 'ECS_CLUSTER=prod' /etc/ecs/ecs.config 2>/dev/null || echo 'ECS_CLUSTER=prod' >> /etc/ecs/ecs.config")
      const {report} = await lintTemplateFile(file(`own-${format}.txt`, text), {fileSystems: [FS], clusterName: 'prod'})
      expect({format, v: verdicts(report.findings)}).toEqual({format, v: {'userdata/mounts-efs': 'pass', 'userdata/client-installed-before-mount': 'pass',
        'userdata/fstab-netdev': 'pass', 'userdata/mount-before-docker': 'pass', 'userdata/script-runs': 'pass', 'userdata/secrets': 'pass'}})
    }
    expect(() => userDataSnippet({fileSystemId: FS, path: '/mnt/efs', cluster: "prod'; rm -rf /"})).toThrow(/is not an ECS cluster name/)
  })

  it('a script without #! is linted as a script, and script-runs says cloud-init will not run it', async () => {
    const {report} = await lintTemplateFile(file('no-shebang.sh', GOOD.replace('#!/bin/bash\n', '')), {fileSystems: [FS]})
    const f = report.findings.find(x => x.checkId === 'userdata/script-runs')!
    expect(f.status).toBe('fail')
    expect(f.message).toMatch(/cloud-init does not run UserData no-shebang\.sh/)
  })

  it('without --file-system, says which flag names what the script should mount', async () => {
    const {report} = await lintTemplateFile(file('unnamed.sh', GOOD.replace(FS, '${efs_id}')), {})
    const m = report.findings.find(f => f.checkId === 'userdata/mounts-efs')!
    expect(m.status).toBe('unknown')
    expect(m.message).toMatch(/name the one it should mount with --file-system/)
  })

  it('reads a cloud-config script (a real one) as UserData, not as a YAML template', async () => {
    const {report} = await lintTemplateFile(`${CORPUS}/camusd-cloud-config-runcmd-nfs4.yaml`, {})
    expect(report.findings.length).toBeGreaterThan(0)
    expect(report.findings.every(f => f.checkId.startsWith('userdata/'))).toBe(true)
    expect(report.findings.find(f => f.checkId === 'userdata/script-runs')?.message).toMatch(/cloud-config/)
  })

  it('redacts a secret in the script from every output', async () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzSECRETKEY'
    const path = file('secret.sh', `${GOOD}export AWS_SECRET_ACCESS_KEY=${secret}\n`)
    for (const format of ['json', 'sarif', 'markdown', 'html', 'table']) {
      const r = await runCommand(Lint, [path, '--file-system', FS, '--output', format, '--verbose', '--fail-on', 'warning'])
      expect({format, code: r.code}).toEqual({format, code: 1})
      expect(r.stdout).not.toContain(secret)
      expect(r.stdout).not.toContain('SECRETKEY')
    }
    const r = await runCommand(Lint, [path, '--file-system', FS, '--output', 'json'])
    const out = JSON.parse(r.stdout) as {findings: {checkId: string; status: string; message: string}[]}
    expect(out.findings.find(f => f.checkId === 'userdata/secrets')).toMatchObject({status: 'fail', message: expect.stringMatching(/AWS secret access key \(value redacted\)/)})
  })

  it('refuses --file-system with a template and a malformed id, in one line with exit 2', async () => {
    expectOneLineExit2(await runCommand(Lint, ['examples/templates/ecs-efs-stack.yaml', '--file-system', FS]), /--file-system is for a UserData script/)
    expectOneLineExit2(await runCommand(Lint, [file('bad-id.sh', GOOD), '--file-system', 'fs-xyz']), /"fs-xyz" is not an EFS file system id/)
    expectOneLineExit2(await runCommand(Lint, [file('bad-region.sh', GOOD), '--region', 'mars']), /"mars" is not an AWS region name/)
    expectOneLineExit2(await runCommand(Lint, [file('only-network.sh', GOOD), '--only', 'network/']), /is a UserData script, to which only the userdata\/ checks apply; --only\/--skip leave none of them/)
  })
})
