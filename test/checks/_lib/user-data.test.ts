import {gzipSync} from 'node:zlib'
import {decodeUserData, parseDevice, parseUserData} from '../../../src/checks/_lib/user-data.js'
import {udFixture} from '../../support/user-data-fixtures.js'

describe('parseUserData: formats', () => {
  it('detects shell, cloud-config, boothook, MIME and unknown', () => {
    expect(parseUserData('#!/bin/bash\necho hi\n').format).toBe('shell')
    expect(parseUserData('#cloud-config\npackages: [nfs-utils]\n').format).toBe('cloud-config')
    expect(parseUserData('#cloud-boothook\necho hi\n').format).toBe('cloud-boothook')
    expect(parseUserData(udFixture('mime-boothook.txt')).format).toBe('mime')
    expect(parseUserData('yum install -y nfs-utils\n').format).toBe('unknown')
    expect(parseUserData('').format).toBe('empty')
  })

  it('notes a blank line before #!', () => {
    const p = parseUserData(udFixture('fault-no-shebang.sh'))
    expect(p.format).toBe('unknown')
    expect(p.notes.join(' ')).toMatch(/not on line 1/)
  })

  it.each([
    ['##!/bin/bash\n\n#!/bin/bash\nmount -t efs fs-12345678:/ /mnt/efs\n', /line 1 is "##!\/bin\/bash", not #!.*the #! on line 3 does not count/],
    ['#/bin/bash\nmount -t efs fs-12345678:/ /mnt/efs\n', /line 1 is "#\/bin\/bash", not #!/],
    ['\n      #!/bin/bash\n      mount -t efs fs-12345678:/ /mnt/efs\n', /not on line 1 \(blank line before it, and indented\)/],
  ])('a script cloud-init does not run (%j) is still read as the shell it was meant to be, with the reason noted', (text, why) => {
    const p = parseUserData(text)
    expect(p.format).toBe('unknown')
    expect(p.notes.join(' ')).toMatch(why)
    expect(p.mounts[0]).toMatchObject({device: 'fs-12345678:/', mountPoint: '/mnt/efs'})
  })

  it('MIME whose headers a blank line cuts short is not run by cloud-init, but its parts are read', () => {
    const text = ['MIME-Version: 1.0', '', 'Content-Type: multipart/mixed; boundary="B"', '', '--B', 'Content-Type: text/x-shellscript', '',
      '#!/bin/bash', 'mount -t efs fs-12345678:/ /mnt/efs', '--B--', ''].join('\n')
    const p = parseUserData(text)
    expect(p.format).toBe('unknown')
    expect(p.notes.join(' ')).toMatch(/blank line 2 ends the MIME headers/)
    expect(p.mounts[0]).toMatchObject({line: 9, device: 'fs-12345678:/'})
    // The same document without the blank line is MIME that runs; without its closing boundary too (cloud-init's
    // email parser keeps the last part).
    const fixed = text.replace('1.0\n\n', '1.0\n')
    expect(parseUserData(fixed).format).toBe('mime')
    expect(parseUserData(fixed.replace('--B--\n', '')).mounts[0]).toMatchObject({line: 8, device: 'fs-12345678:/'})
  })

  it('a `su -c` string that is not valid shell fails at that command only; the rest of the script is read', () => {
    const p = parseUserData('#!/bin/bash\nsu -c \\"echo \'fs-1:/ /mnt nfs4 defaults 0 0\' >> /etc/fstab\\"\nmount -t efs fs-12345678:/ /mnt/efs\n')
    expect(p.unreadable).toBeUndefined()
    expect(p.fstab).toEqual([])
    expect(p.notes.join(' ')).toMatch(/line 2: the script given to a shell there is not valid shell/)
    expect(p.mounts[0]).toMatchObject({line: 3})
  })

  it('marks what one arm of a boot-time test writes: `test && A || B` and if/else', () => {
    const p = parseUserData(['#!/bin/bash', 'test -f /sbin/mount.efs && echo "fs-1:/ /a efs _netdev" >> /etc/fstab || echo "fs-2:/ /a efs _netdev" >> /etc/fstab',
      'if grep -q nfs /proc/filesystems; then', '  echo "fs-3:/ /b efs _netdev" >> /etc/fstab', 'else', '  echo "fs-4:/ /b efs _netdev" >> /etc/fstab', 'fi',
      'echo "fs-5:/ /c efs _netdev" >> /etc/fstab'].join('\n'))
    expect(p.fstab.map(e => [e.device, e.branch?.arm, e.branch?.line])).toEqual([
      ['fs-1:/', 'then', 2], ['fs-2:/', 'else', 2], ['fs-3:/', 'then', 3], ['fs-4:/', 'else', 3], ['fs-5:/', undefined, undefined]])
    expect(p.fstab[0].branch?.cond).toBe('test -f /sbin/mount.efs')
  })

  it('decodes base64, gzip and base64+gzip text', () => {
    const script = '#!/bin/bash\nmount -a -t efs\n'
    expect(decodeUserData(Buffer.from(script).toString('base64'))).toEqual({text: script, encoding: 'base64'})
    expect(decodeUserData(gzipSync(script).toString('latin1'))).toEqual({text: script, encoding: 'gzip'})
    expect(decodeUserData(gzipSync(script).toString('base64'))).toEqual({text: script, encoding: 'base64+gzip'})
    expect(parseUserData(Buffer.from(script).toString('base64')).mounts[0]).toMatchObject({kind: 'all', line: 2})
    // Plain text that happens to be base64-alphabet is left alone.
    expect(decodeUserData('hello').encoding).toBe('plain')
  })
})

describe('parseUserData: seed-style Fn::Sub script', () => {
  let p: ReturnType<typeof parseUserData>
  beforeAll(() => { p = parseUserData(udFixture('seed-fnsub.sh')) })
  it('undoes ${!VAR} escapes and resolves simple variables into the fstab line', () => {
    expect(p.fstab).toHaveLength(1)
    expect(p.fstab[0]).toMatchObject({line: 8, device: '${FileSystem}.efs.${AWS::Region}.amazonaws.com:/', mountPoint: '/mnt/efs', fsType: 'nfs4', via: 'echo'})
    expect(p.fstab[0].options).toContain('noresvport')
  })
  it('records install, mount -a, mkdir and ECS_CLUSTER with line numbers', () => {
    expect(p.installs).toEqual([expect.objectContaining({line: 4, manager: 'yum', packages: ['nfs-utils']})])
    expect(p.mounts).toEqual([expect.objectContaining({line: 9, kind: 'all'})])
    expect(p.mkdirs[0]).toMatchObject({line: 7, text: 'mkdir /mnt/efs'})
    expect(p.ecsConfig[0]).toMatchObject({line: 3, key: 'ECS_CLUSTER', value: '${ClusterName}'})
  })
})

describe('parseUserData: shell constructs', () => {
  it('joins \\ continuations and reports the first line; marks until-loops as retried', () => {
    const p = parseUserData(udFixture('al2023-dnf.sh'))
    expect(p.mounts[0]).toMatchObject({line: 7, fsType: 'efs', device: 'fs-0a1b2c3d4e5f60718:/', mountPoint: '/mnt/efs', options: ['tls'], retried: true})
    expect(p.installs[0]).toMatchObject({line: 4, manager: 'dnf'})
  })

  it('reads heredocs into ecs.config and tee -a into fstab, and service actions', () => {
    const p = parseUserData(udFixture('al2-ecs-efs-utils.sh'))
    expect(p.ecsConfig.map(x => [x.line, x.key, x.value])).toEqual([[5, 'ECS_CLUSTER', 'prod'], [6, 'ECS_ENABLE_CONTAINER_METADATA', 'true']])
    expect(p.fstab[0]).toMatchObject({line: 11, via: 'tee', options: ['_netdev', 'noresvport', 'tls', 'iam', 'nofail']})
    expect(p.mounts[0]).toMatchObject({line: 14, kind: 'command', mountPoint: '/mnt/efs', retried: true})
    expect(p.services.map(x => [x.line, x.service, x.action, x.noBlock])).toEqual([[20, 'docker', 'restart', false], [21, 'ecs', 'restart', true]])
  })

  it('sees backgrounded groups and || true', () => {
    const p = parseUserData(udFixture('fault-backgrounded-mount.sh'))
    expect(p.mounts.map(m => [m.line, m.backgrounded, m.swallowed])).toEqual([[6, true, false], [7, false, true]])
  })

  it('handles && chains, sudo, cloud-init-per, bash -c and sed into fstab', () => {
    const p = parseUserData([
      '#!/bin/bash',
      'sudo yum install -y amazon-efs-utils && mkdir -p /data && sudo mount -t efs -o tls fs-12345678:/ /data',
      'cloud-init-per once ecs systemctl enable --now --no-block ecs',
      'bash -c "echo ECS_CLUSTER=web >> /etc/ecs/ecs.config"',
      'sed -i \'$ a fs-12345678:/ /data efs _netdev,tls 0 0\' /etc/fstab',
      'service docker restart; start ecs',
      'mount -t nfs4 10.0.1.25:/ /data &',
    ].join('\n'))
    expect(p.installs[0]).toMatchObject({line: 2, packages: ['amazon-efs-utils']})
    expect(p.mounts[0]).toMatchObject({line: 2, device: 'fs-12345678:/', mountPoint: '/data'})
    expect(p.services.map(x => [x.line, x.service, x.action, x.noBlock, x.tool])).toEqual([
      [3, 'ecs', 'start', true, 'systemctl'], [6, 'docker', 'restart', false, 'service'], [6, 'ecs', 'start', false, 'upstart']])
    expect(p.ecsConfig[0]).toMatchObject({line: 4, value: 'web'})
    expect(p.fstab[0]).toMatchObject({line: 5, via: 'sed', device: 'fs-12345678:/', options: ['_netdev', 'tls']})
    expect(p.mounts[1]).toMatchObject({line: 7, device: '10.0.1.25:/', backgrounded: true})
  })

  it('ignores comments and fd redirections', () => {
    const p = parseUserData('#!/bin/bash\n# mount -t efs fs-1:/ /x\necho "mounting" >&2 # mount -a\nmount -a 2>&1 >> /var/log/m.log\n')
    expect(p.mounts).toHaveLength(1)
    expect(p.mounts[0].line).toBe(4)
  })

  it('reads quotes, $( ) and operators as the shell does', () => {
    const p = parseUserData('#!/bin/bash\nA="$(curl -s x | jq .a)" && echo "fs-12345678:/ /a b" | tee -a /etc/fstab; x & mount -a || true\n')
    expect(p.fstab).toEqual([])
    const q = parseUserData('#!/bin/bash\nA="$(curl -s x | jq .a)" && echo "fs-12345678:/  /data  efs  _netdev 0 0" | tee -a /etc/fstab; x & mount -a || true\n')
    expect(q.fstab[0]).toMatchObject({line: 2, device: 'fs-12345678:/', mountPoint: '/data', via: 'tee'})
    expect(q.mounts[0]).toMatchObject({kind: 'all', swallowed: true, backgrounded: false})
  })
})

describe('parseUserData: cloud-config and MIME', () => {
  it('cloud-config mounts:, packages:, write_files and runcmd with YAML line numbers and stages', () => {
    const p = parseUserData(udFixture('cloud-config-mounts.yaml'))
    expect(p.installs.map(i => [i.line, i.packages[0], i.stage])).toEqual([[4, 'amazon-efs-utils', 'packages'], [5, 'nfs-utils', 'packages']])
    expect(p.fstab[0]).toMatchObject({line: 12, via: 'cloud-config', fsType: 'efs', stage: 'init'})
    expect(p.mounts.map(m => [m.line, m.kind, m.stage])).toEqual([[12, 'cloud-config', 'init'], [15, 'all', 'runcmd']])
    expect(p.ecsConfig[0]).toMatchObject({line: 10, key: 'ECS_CLUSTER', value: 'prod'})
    expect(p.mounts[0].order).toBeLessThan(p.installs[0].order)
  })

  it('runcmd shell with variables (the EFS console snippet)', () => {
    const p = parseUserData(udFixture('cloud-config-runcmd.yaml'))
    expect(p.fstab[0]).toMatchObject({line: 9, device: 'fs-0a1b2c3d4e5f60718:/', mountPoint: '/mnt/efs'})
    expect(p.mounts[0]).toMatchObject({line: 10, kind: 'all', retried: true})
    expect(p.installs[0].order).toBeLessThan(p.mounts[0].order)
  })

  it('MIME parts keep decoded-text line numbers; boothooks run before scripts', () => {
    const p = parseUserData(udFixture('mime-boothook.txt'))
    expect(p.parts.map(x => [x.format, x.startLine])).toEqual([['cloud-boothook', 7], ['shell', 16]])
    expect(p.installs[0]).toMatchObject({line: 8, stage: 'boothook'})
    expect(p.fstab[0]).toMatchObject({line: 10})
    expect(p.mounts[0]).toMatchObject({line: 11, kind: 'all'})
    expect(p.ecsConfig[0]).toMatchObject({line: 17, stage: 'script'})
  })

  it('decodes base64 MIME parts (items point at the part start)', () => {
    const body = Buffer.from('#!/bin/bash\nmount -t efs fs-0a1b2c3d:/ /mnt/efs\n').toString('base64')
    const text = ['MIME-Version: 1.0', 'Content-Type: multipart/mixed;', ' boundary="XYZ"', '', '--XYZ',
      'Content-Type: text/x-shellscript', 'Content-Transfer-Encoding: base64', '', body, '--XYZ--', ''].join('\n')
    const p = parseUserData(text)
    expect(p.parts[0]).toMatchObject({format: 'shell', encoded: true, startLine: 9})
    expect(p.mounts[0]).toMatchObject({line: 9, device: 'fs-0a1b2c3d:/'})
  })
})

describe('parseDevice', () => {
  it('reads ids, DNS names, AZ names, IPs and placeholders', () => {
    expect(parseDevice('fs-0a1b2c3d:/data')).toMatchObject({fsId: 'fs-0a1b2c3d', path: '/data', placeholder: false})
    expect(parseDevice('fs-0a1b2c3d.efs.cn-north-1.amazonaws.com.cn:/')).toMatchObject({fsId: 'fs-0a1b2c3d', region: 'cn-north-1', suffix: 'amazonaws.com.cn'})
    expect(parseDevice('eu-west-1a.fs-0a1b2c3d.efs.eu-west-1.amazonaws.com:/')).toMatchObject({fsId: 'fs-0a1b2c3d', region: 'eu-west-1'})
    expect(parseDevice('10.0.1.5:/')).toMatchObject({ip: '10.0.1.5'})
    expect(parseDevice('${FileSystem}.efs.${AWS::Region}.amazonaws.com:/')).toMatchObject({fsId: '${FileSystem}', placeholder: true})
  })
})

describe('parseUserData: more write forms', () => {
  it('cat heredoc >> /etc/fstab gives each body line its own number; stop ecs is recorded', () => {
    const p = parseUserData([
      '#!/bin/bash',
      'cat >> /etc/fstab <<-EOF',
      '\tfs-0a1b2c3d:/ /mnt/a efs _netdev,tls 0 0',
      '\tfs-0a1b2c3d:/data /mnt/b efs _netdev,tls 0 0',
      '\tEOF',
      'stop ecs',
    ].join('\n'))
    expect(p.fstab.map(e => [e.line, e.mountPoint, e.via])).toEqual([[3, '/mnt/a', 'heredoc'], [4, '/mnt/b', 'heredoc']])
    expect(p.services[0]).toMatchObject({line: 6, service: 'ecs', action: 'stop', tool: 'upstart'})
  })
})

describe('parseUserData: robustness', () => {
  it('never throws and keeps every line number inside the decoded text', async () => {
    const fc = (await import('fast-check')).default
    const {readdirSync} = await import('node:fs')
    const pool = readdirSync(new URL('../../fixtures/userdata/', import.meta.url)).flatMap(f => udFixture(f).split('\n'))
    fc.assert(fc.property(fc.array(fc.oneof(fc.constantFrom(...pool), fc.string()), {maxLength: 30}), lines => {
      const text = ['#!/bin/bash', ...lines].join('\n')
      const p = parseUserData(text)
      const max = p.text.split('\n').length
      for (const s of [...p.installs, ...p.mounts, ...p.fstab, ...p.services, ...p.ecsConfig]) {
        expect(s.line).toBeGreaterThanOrEqual(1)
        expect(s.line).toBeLessThanOrEqual(max)
      }
    }), {numRuns: 200})
  })
})
