import {lintTemplateFile} from '../../src/lint/index.js'

const FILE = 'test/fixtures/templates/guide-2017.yaml'

describe('the 2017 guide\'s ECS host UserData (issue 9), verbatim', () => {
  it('gives exactly one failure: userdata/fstab-netdev, a warning for `defaults` (no nofail, no EFS NFS options; nfs needs no _netdev)', async () => {
    const {report} = await lintTemplateFile(FILE, {region: 'us-east-1'})
    const failures = report.findings.filter(f => f.status === 'fail')
    expect(failures.map(f => f.checkId)).toEqual(['userdata/fstab-netdev'])
    expect(failures[0]).toMatchObject({severity: 'warning', location: {logicalId: 'LaunchTemplate'}})
    expect(failures[0].message).toMatch(/line 10 lacks nofail/)
    expect(failures[0].message).not.toMatch(/lacks _netdev/)
    expect(failures[0].evidence).toMatchObject({entries: [{line: 10, mountPoint: '/mnt/efs', fsType: 'nfs', options: 'defaults'}]})
  })

  it('reads the AZ-specific DNS name built from instance metadata and says where each part came from', async () => {
    const {report} = await lintTemplateFile(FILE, {region: 'us-east-1'})
    const mounts = report.findings.find(f => f.checkId === 'userdata/mounts-efs')!
    expect(mounts.status).toBe('pass')
    expect(mounts.message).toContain('`<az>.${FileSystem}.efs.us-east-1.amazonaws.com:/` at /mnt/efs')
    expect(mounts.message).toContain('DIR_SRC from line 5; EC2_AVAIL_ZONE from instance metadata, line 4')
    expect(report.findings.find(f => f.checkId === 'ecs/volume-source-on-efs')?.status).toBe('pass')
  })
})
