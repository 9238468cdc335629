import {gzipSync} from 'node:zlib'
import {runChecks} from '../../../src/core/run-checks.js'
import {allChecks} from '../../../src/checks/index.js'
import {parseUserData, resolvedMounts} from '../../../src/checks/_lib/user-data.js'
import {withUserData} from '../../support/user-data-fixtures.js'

const MOUNT = 'mount -t efs fs-0a1b2c3d:/ /mnt/efs\n'
const BAD: [string, () => string, RegExp][] = [
  ['a 1 MB UserData', () => '#!/bin/bash\n' + `echo ${'x'.repeat(1000)}\n`.repeat(1000), /more than efsdoctor reads/],
  ['nesting 500 levels deep', () => `#!/bin/bash\n${'('.repeat(500)}${MOUNT}${')'.repeat(500)}\n`, /nests more than 200 levels/],
  ['an unterminated quote', () => `#!/bin/bash\necho "fs-0a1b2c3d:/ /mnt/efs efs _netdev 0 0 >> /etc/fstab\n${MOUNT}`, /syntax error on line 2|unterminated/],
  ['an unterminated heredoc', () => `#!/bin/bash\ncat >> /etc/fstab <<EOF\nfs-0a1b2c3d:/ /mnt/efs efs _netdev 0 0\n${MOUNT}`, /heredoc .* is never closed/],
  ['binary junk', () => Buffer.from(Array.from({length: 4096}, (_, i) => (i * 7919) % 256)).toString('latin1'), /binary data/],
  ['a gzip bomb', () => gzipSync(Buffer.alloc(50 * 1024 * 1024, 0x41)).toString('base64'), /decompresses to more than/],
]

describe('UserData bad input (issue 9 item 10)', () => {
  // Warm the parser's JIT once, as a CLI run that reads any UserData has (the bound is per bad input, not the first parse).
  beforeAll(() => { parseUserData(`#!/bin/bash\necho "warm ${Date.now()}"\n${MOUNT}`) })
  it.each(BAD)('%s: every userdata check says unknown with the reason, within 200 ms, never a crash', (_name, make, reason) => {
    const text = make()
    const started = performance.now()
    const p = parseUserData(text)
    expect(performance.now() - started).toBeLessThan(200)
    expect(p.unreadable).toMatch(reason)
    const findings = runChecks(allChecks.filter(c => c.id.startsWith('userdata/') && c.id !== 'userdata/secrets'), withUserData(text)).findings
    expect(findings.length).toBeGreaterThan(0)
    for (const f of findings) expect({check: f.checkId, status: f.status, reason: reason.test(f.message)}).toEqual({check: f.checkId, status: 'unknown', reason: true})
  })
})

describe('resolvedMounts (the API other checks read mounts through)', () => {
  it('gives device, kind, mount point, options, line and evidence for the 2017 guide script', () => {
    const text = ['#!/bin/bash', 'EC2_AVAIL_ZONE=$(curl -s http://169.254.169.254/latest/meta-data/placement/availability-zone)',
      'DIR_SRC=$EC2_AVAIL_ZONE.fs-0a1b2c3d.efs.us-east-1.amazonaws.com', 'mount -t nfs4 -o nfsvers=4.1 $DIR_SRC:/ /mnt/efs',
      'echo -e "$DIR_SRC:/ \\t\\t /mnt/efs \\t\\t nfs \\t\\t defaults \\t\\t 0 \\t\\t 0" | tee -a /etc/fstab',
      'FS=$(aws ssm get-parameter --name /efs/id --query Parameter.Value --output text)', 'mount -t efs $FS:/ /data', ''].join('\n')
    const {mounts, unreadable} = resolvedMounts(text)
    expect(unreadable).toBeUndefined()
    expect(mounts.map(m => [m.kind, m.line, m.device, m.deviceKind, m.fsId, m.mountPoint, m.options.join(',')])).toEqual([
      ['mount', 4, '<az>.fs-0a1b2c3d.efs.us-east-1.amazonaws.com:/', 'dns-name', 'fs-0a1b2c3d', '/mnt/efs', 'nfsvers=4.1'],
      ['fstab', 5, '<az>.fs-0a1b2c3d.efs.us-east-1.amazonaws.com:/', 'dns-name', 'fs-0a1b2c3d', '/mnt/efs', 'defaults'],
      ['mount', 7, '<found-at-boot:1>:/', 'symbolic', undefined, '/data', ''],
    ])
    expect(mounts[0].evidence).toContain('DIR_SRC from line 3; EC2_AVAIL_ZONE from instance metadata, line 2')
    expect(resolvedMounts('#!/bin/bash\necho "unterminated\n').unreadable).toMatch(/syntax error/)
  })
})
