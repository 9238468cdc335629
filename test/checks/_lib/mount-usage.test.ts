import {mountUsesIam, mountUsesNoresvport, mountUsesTls, mountsOfFs, parseMounts} from '../../../src/checks/_lib/mount-usage.js'
import type {UserData} from '../../../src/model/snapshot.js'
import {healthy, IDS} from '../../support/snapshot-builder.js'

const ud = (body: string): UserData => ({id: 'u1', source: {type: 'instance', id: 'i-1'}, instanceIds: ['i-1'], text: `#!/bin/bash\n${body}`})

describe('parseMounts', () => {
  it('reads an fstab line written with echo (healthy UserData)', () => {
    const [m] = parseMounts(healthy().userData![0])
    expect(m).toMatchObject({line: 6, fsId: IDS.fs, type: 'efs', byDnsName: true})
    expect(m.options).toEqual(['_netdev', 'noresvport', 'tls', 'nofail'])
    expect(mountUsesTls(m)).toBe(true)
    expect(mountUsesIam(m)).toBe(false)
    expect(mountUsesNoresvport(m)).toBe(true)
  })

  it('reads a plain nfs4 mount command by DNS name', () => {
    const [m] = parseMounts(ud('sudo mount -t nfs4 -o nfsvers=4.1,hard,timeo=600 fs-0a1b2c3d4e5f60718.efs.eu-west-1.amazonaws.com:/ /mnt/efs'))
    expect(m).toMatchObject({type: 'nfs4', fsId: IDS.fs, byDnsName: true})
    expect(mountUsesTls(m)).toBe(false)
    expect(mountUsesNoresvport(m)).toBe(false)
  })

  it('reads an IP mount as not using DNS, and efs tls,iam options', () => {
    const [ip, efs] = parseMounts(ud('mount -t nfs4 10.20.1.25:/ /mnt/a\nmount -t efs -o tls,iam fs-0a1b2c3d4e5f60718:/ /mnt/b'))
    expect(ip).toMatchObject({host: '10.20.1.25', byDnsName: false, fsId: undefined})
    expect(mountUsesIam(efs) && mountUsesTls(efs)).toBe(true)
  })

  it('ignores comments and lines without a device', () => {
    expect(parseMounts(ud('# mount -t nfs4 fs-0a1b2c3d4e5f60718:/ /x\nmount -a -t efs\nyum install -y amazon-efs-utils'))).toEqual([])
  })
})

describe('mountsOfFs', () => {
  it('matches by fs id and by the IP of one of the file system\'s mount targets', () => {
    const s = healthy()
    s.userData![0].text += '\nmount -t nfs4 10.20.5.25:/ /mnt/ip\nmount -t nfs4 10.99.0.1:/ /mnt/other\n'
    expect(mountsOfFs(s, IDS.fs).map(m => m.host)).toEqual([IDS.fs, '10.20.5.25'])
  })
})
