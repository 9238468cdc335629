import {spawnSync} from 'node:child_process'
import {parse} from 'yaml'
import {UsageError} from '../../src/core/errors.js'
import {bashSnippet, userDataSnippet, type SnippetRequest} from '../../src/remote/user-data-snippet.js'

const FS = 'fs-0a1b2c3d4e5f60718'
const base: SnippetRequest = {fileSystemId: FS, path: '/mnt/efs'}
const hasShellcheck = spawnSync('shellcheck', ['--version']).status === 0 || process.env.CI === 'true'

/** CloudFormation's Fn::Sub, for the references our snippet may use; anything else is an error. */
function fnSub(body: string, vars: Record<string, string>): string {
  return body.replace(/\$\{([^}]*)\}/g, (_, name: string) => {
    if (name.startsWith('!')) return `\${${name.slice(1)}}`
    if (!(name in vars)) throw new Error(`Fn::Sub would fail: unresolved \${${name}}`)
    return vars[name]
  })
}

const parseCfn = (text: string) => parse(text, {customTags: [{tag: '!Sub', resolve: (s: string) => ({'Fn::Sub': s})}]}) as
  {UserData: {'Fn::Base64': {'Fn::Sub': string}}}

const CASES: [string, SnippetRequest][] = [
  ['efs-utils', base],
  ['efs-utils tls iam access point', {...base, tls: true, iam: true, accessPointId: 'fsap-0123456789abcdef0'}],
  ['nfs with region', {...base, method: 'nfs', region: 'eu-west-1'}],
  ['nfs via IMDS', {...base, method: 'nfs'}],
  ['efs-utils joining an ECS cluster', {...base, tls: true, cluster: 'prod_cluster-1'}],
]

describe('userDataSnippet', () => {
  test('bash: client install, mkdir, one fstab line with _netdev,nofail, bounded retry, no background', () => {
    const s = bashSnippet({...base, method: 'nfs', region: 'eu-west-1'})
    expect(s.startsWith('#!/bin/bash\n')).toBe(true)
    expect(s).toContain('dnf install -y nfs-utils')
    expect(s).toContain('mkdir -p "$EFS_MOUNT_POINT"')
    expect(s).toContain(`EFS_FSTAB_LINE="\${EFS_FS_ID}.efs.\${EFS_REGION}.\${EFS_DNS_SUFFIX}:/ \${EFS_MOUNT_POINT} nfs4 nfsvers=4.1,rsize=1048576,wsize=1048576,hard,timeo=600,retrans=2,noresvport,_netdev,nofail 0 0"`)
    expect(s).toContain('for attempt in 1 2 3 4 5 6 7 8 9 10; do')
    expect(s).not.toMatch(/&\s*$/m)
  })

  test('efs-utils line carries tls,iam,accesspoint', () => {
    expect(bashSnippet(CASES[1][1])).toContain(
      'EFS_FSTAB_LINE="${EFS_FS_ID}:/ ${EFS_MOUNT_POINT} efs tls,iam,accesspoint=fsap-0123456789abcdef0,_netdev,nofail 0 0"')
  })

  test('the fstab line it writes is right when run (fstab, mount, mountpoint stubbed)', () => {
    // Run the generated bash with /etc/fstab redirected: replace the path in the text (test-only).
    const dir = spawnSync('mktemp', ['-d'], {encoding: 'utf8'}).stdout.trim()
    const text = bashSnippet({...base, region: 'eu-west-1', method: 'nfs'}).replaceAll('/etc/fstab', `${dir}/fstab`)
      .replaceAll('mkdir -p "$EFS_MOUNT_POINT"', ':')
    spawnSync('bash', ['-c', `touch ${dir}/fstab`])
    const stubs = `mount() { echo "mount $*" >> ${dir}/log; }; mountpoint() { return 1; }; sleep() { :; }; command() { return 0; }`
    for (let i = 0; i < 2; i++) spawnSync('bash', ['-c', `${stubs}\n${text}`], {encoding: 'utf8'})
    const fstab = spawnSync('cat', [`${dir}/fstab`], {encoding: 'utf8'}).stdout
    expect(fstab).toBe(`${FS}.efs.eu-west-1.amazonaws.com:/ /mnt/efs nfs4 nfsvers=4.1,rsize=1048576,wsize=1048576,hard,timeo=600,retrans=2,noresvport,_netdev,nofail 0 0\n`)
    spawnSync('rm', ['-rf', dir])
  })

  test('when every mount attempt fails it stops (exit 1) before writing ECS_CLUSTER; when the mount works it joins', () => {
    const dir = spawnSync('mktemp', ['-d'], {encoding: 'utf8'}).stdout.trim()
    const text = bashSnippet({...base, region: 'eu-west-1', method: 'nfs', cluster: 'prod'}).replaceAll('/etc/fstab', `${dir}/fstab`)
      .replaceAll('/etc/ecs', `${dir}/ecs`).replaceAll('mkdir -p "$EFS_MOUNT_POINT"', ':')
    spawnSync('bash', ['-c', `touch ${dir}/fstab`])
    const run = (mounted: boolean) => spawnSync('bash', ['-c',
      `mount() { return 1; }; mountpoint() { return ${mounted ? 0 : 1}; }; sleep() { :; }; command() { return 0; }\n${text}`], {encoding: 'utf8'})
    const failed = run(false)
    expect(failed.status).toBe(1)
    expect(failed.stderr).toContain('is NOT mounted at /mnt/efs: stopping before the instance joins a cluster')
    expect(spawnSync('bash', ['-c', `cat ${dir}/ecs/ecs.config 2>/dev/null`], {encoding: 'utf8'}).stdout).toBe('')
    const ok = run(true)
    expect(ok.status).toBe(0)
    expect(spawnSync('cat', [`${dir}/ecs/ecs.config`], {encoding: 'utf8'}).stdout).toBe('ECS_CLUSTER=prod\n')
    spawnSync('rm', ['-rf', dir])
  })

  test('without --region it reads the region from instance metadata, and stops (exit 1, fstab untouched) on an error page or nothing', () => {
    const dir = spawnSync('mktemp', ['-d'], {encoding: 'utf8'}).stdout.trim()
    const text = bashSnippet({...base, method: 'nfs'}).replaceAll('/etc/fstab', `${dir}/fstab`).replaceAll('mkdir -p "$EFS_MOUNT_POINT"', ':')
    const run = (region: string) => {
      spawnSync('bash', ['-c', `: > ${dir}/fstab`])
      const curl = `curl() { if [[ "$*" == *region* ]]; then printf '%s' ${JSON.stringify(region)}; else echo token; fi; }`
      const r = spawnSync('bash', ['-c', `${curl}; mount() { :; }; mountpoint() { return 0; }; sleep() { :; }; command() { return 0; }\n${text}`], {encoding: 'utf8'})
      return {status: r.status, stderr: r.stderr, fstab: spawnSync('cat', [`${dir}/fstab`], {encoding: 'utf8'}).stdout}
    }
    expect(run('eu-west-1')).toMatchObject({status: 0, fstab: expect.stringContaining(`${FS}.efs.eu-west-1.amazonaws.com:/ /mnt/efs nfs4`)})
    expect(run('cn-north-1').fstab).toContain('.efs.cn-north-1.amazonaws.com.cn:/')
    for (const bad of ['<html>404 Not Found</html>', '', 'eu-west-1\n<html>']) {
      const r = run(bad)
      expect([bad, r.status, r.fstab]).toEqual([bad, 1, ''])
      expect(r.stderr).toContain("could not read this instance's region")
    }
    spawnSync('rm', ['-rf', dir])
  })

  test.each(CASES)('%s: cfn-yaml parses with !Sub, resolves only FileSystemId/AWS::Region/AWS::URLSuffix, and equals the bash form', (_, req) => {
    const doc = parseCfn(userDataSnippet({...req, format: 'cfn-yaml'}))
    const body = doc.UserData['Fn::Base64']['Fn::Sub']
    const region = req.region ?? 'eu-west-1'
    const resolved = fnSub(body, {FileSystemId: FS, 'AWS::Region': region, 'AWS::URLSuffix': 'amazonaws.com'})
    expect(resolved).toBe(bashSnippet({...req, region}))
  })

  test.each(CASES)('%s: cloud-config parses and installs the same script', (_, req) => {
    const text = userDataSnippet({...req, format: 'cloud-config'})
    expect(text.startsWith('#cloud-config\n')).toBe(true)
    const doc = parse(text) as {write_files: {path: string; content: string; permissions: string}[]; runcmd: string[][]}
    expect(doc.write_files[0].content).toBe(bashSnippet(req))
    expect(doc.runcmd).toEqual([['bash', doc.write_files[0].path]])
  })

  const maybe = hasShellcheck ? test.each(CASES) : test.skip.each(CASES)
  maybe('%s: generated bash (and the cfn form after Fn::Sub) is ShellCheck-clean', (_, req) => {
    const body = parseCfn(userDataSnippet({...req, format: 'cfn-yaml'})).UserData['Fn::Base64']['Fn::Sub']
    for (const text of [bashSnippet(req), fnSub(body, {FileSystemId: FS, 'AWS::Region': 'us-east-1', 'AWS::URLSuffix': 'amazonaws.com'})]) {
      const r = spawnSync('shellcheck', ['--shell=bash', '-'], {input: text, encoding: 'utf8'})
      expect(r.stdout).toBe('')
      expect(r.status).toBe(0)
    }
  })

  test('/home (shared home directories, as AWS in Action\'s template mounts it) is allowed, with a warning about the local homes', () => {
    const text = userDataSnippet({...base, path: '/home'})
    expect(text).toContain("EFS_MOUNT_POINT='/home'")
    expect(text).toContain("# /home on EFS: the local home directories (ec2-user's ~/.ssh/authorized_keys too) are hidden under the mount;")
    expect(userDataSnippet({...base})).not.toContain('/home on EFS')
    expect(() => userDataSnippet({...base, path: '/usr'})).toThrow(/system directory/)
  })

  test('bad input is a UsageError', () => {
    expect(() => userDataSnippet({...base, path: '/mnt/efs; reboot'})).toThrow(UsageError)
    expect(() => userDataSnippet({...base, fileSystemId: 'fs-1'})).toThrow(UsageError)
    expect(() => userDataSnippet({...base, method: 'nfs', tls: true})).toThrow(UsageError)
  })
})

describe('cfn-yaml with a reference to the template\'s file system', () => {
  it('writes the ${Logical} reference where the id goes, so Fn::Sub fills in that file system', () => {
    const out = userDataSnippet({fileSystemId: '${SharedFs}', path: '/mnt/efs', format: 'cfn-yaml'})
    expect(out).toContain("EFS_FS_ID='${SharedFs}'")
    expect(out).not.toContain('${FileSystemId}')
    expect(out).not.toContain('fs-00000000')
    expect(out).toContain('Fn::Sub turns ${SharedFs} into the file system\'s id')
  })

  it('says where UserData goes for each resource that has it, not only launch templates', () => {
    const head = userDataSnippet({fileSystemId: '${SharedFs}', path: '/mnt/efs', format: 'cfn-yaml'}).split('UserData:')[0]
    for (const where of ['LaunchTemplateData of an AWS::EC2::LaunchTemplate', 'Properties of an', 'AWS::AutoScaling::LaunchConfiguration', 'AWS::EC2::Instance']) {
      expect(head).toContain(where)
    }
  })

  it('refuses a reference in the bash and cloud-config forms (nothing would substitute it)', () => {
    for (const format of ['bash', 'cloud-config'] as const) {
      expect(() => userDataSnippet({fileSystemId: '${SharedFs}', path: '/mnt/efs', format})).toThrow(/only works with --format cfn-yaml/)
    }
  })

  it('accepts only a plain logical id inside ${…}', () => {
    for (const bad of ['${Shared;Fs}', '${AWS::Region}', '${!Fs}', '${}', '${Fs} x']) {
      expect(() => userDataSnippet({fileSystemId: bad, path: '/mnt/efs', format: 'cfn-yaml'})).toThrow(/not an EFS file system id/)
    }
  })
})
