import {lintTemplateFile} from '../../src/lint/index.js'

describe('lint: UserData built with Fn::Sub list form and with Fn::Join', () => {
  it('reads `!Sub [script, {FileSystemID: !GetAtt FileSystem.FileSystemId}]` and a Join with a GetAtt item as ${FileSystem}', async () => {
    const {report, snapshot} = await lintTemplateFile('test/fixtures/templates/userdata-sub-list-join.yaml', {region: 'us-east-1'})
    for (const id of ['LT', 'LT2']) {
      expect(snapshot.userData!.find(u => u.id === id)!.text).toContain('echo "${FileSystem}:/ /mnt/efs efs _netdev,tls,nofail 0 0" >> /etc/fstab')
      const f = report.findings.filter(x => x.resource.id === id && x.checkId.startsWith('userdata/') && x.checkId !== 'userdata/script-runs')
      expect(f.map(x => [x.checkId, x.status]).filter(([, st]) => st !== 'pass')).toEqual([])
    }
  })
})
