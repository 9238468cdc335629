import {gzipSync} from 'node:zlib'
import {decodeUserData, fileSystemIdsIn, inferFileSystems, mountPointsIn} from '../../src/inventory/infer.js'
import type {TaskDefinition, UserData} from '../../src/model/snapshot.js'

const ud = (text: string): UserData => ({id: 'instance:i-1', source: {type: 'instance', id: 'i-1'}, instanceIds: ['i-1'], text})
const td = (volumes: TaskDefinition['volumes']): TaskDefinition => ({arn: 'arn:td/app:3', family: 'app', revision: 3, volumes, containers: []})

describe('decodeUserData', () => {
  it('decodes base64, gunzips gzip, and redacts secrets', () => {
    const text = '#!/bin/bash\nexport API_TOKEN=abcd1234efgh5678\nmount -t efs fs-12345678:/ /data'
    expect(decodeUserData(Buffer.from(text).toString('base64'))).toContain('mount -t efs fs-12345678:/ /data')
    const gz = decodeUserData(gzipSync(text).toString('base64'))
    expect(gz).toContain('mount -t efs fs-12345678:/ /data')
    expect(gz).not.toContain('abcd1234efgh5678')
  })
})

describe('fileSystemIdsIn / mountPointsIn', () => {
  it('finds short and long ids, also inside EFS DNS names (aws and aws-cn)', () => {
    const text = [
      'fs-12345678.efs.us-east-1.amazonaws.com:/ /a nfs4 defaults 0 0',
      'mount -t efs -o tls fs-0123456789abcdef0:/exports /b',
      'echo fs-0aaaaaaaaaaaaaaaa.efs.cn-north-1.amazonaws.com.cn:/ /c efs _netdev 0 0 >> /etc/fstab',
      'not-an-id: fs-xyz and fs-123',
    ].join('\n')
    expect(fileSystemIdsIn(text)).toEqual(['fs-12345678', 'fs-0123456789abcdef0', 'fs-0aaaaaaaaaaaaaaaa'])
    expect(mountPointsIn(text)).toEqual([
      {fsId: 'fs-12345678', mountPoint: '/a'},
      {fsId: 'fs-0123456789abcdef0', mountPoint: '/b'},
      {fsId: 'fs-0aaaaaaaaaaaaaaaa', mountPoint: '/c'},
    ])
  })
})

describe('inferFileSystems', () => {
  it('gives every reason once, in a stable order', () => {
    const out = inferFileSystems({
      taskDefinitions: [td([
        {name: 'efs', efsVolumeConfiguration: {fileSystemId: 'fs-11111111'}},
        {name: 'host', host: {sourcePath: '/mnt/shared/app/'}},
        {name: 'elsewhere', host: {sourcePath: '/mnt/sharedx'}},
      ])],
      userData: [ud('echo "fs-22222222:/ /mnt/shared efs _netdev,tls 0 0" >> /etc/fstab'), ud('mount fs-22222222:/ /mnt/shared')],
      mountTargetVpcs: new Map([['vpc-1', new Set(['fs-33333333', 'fs-11111111'])]]),
    })
    expect(out).toEqual([
      {id: 'fs-11111111', reasons: ['task definition app:3 volume "efs"', 'has mount targets in vpc-1 where the instances run']},
      {id: 'fs-22222222', reasons: ['task definition app:3 volume "host" (host path /mnt/shared/app/)', 'UserData instance i-1 mounts it']},
      {id: 'fs-33333333', reasons: ['has mount targets in vpc-1 where the instances run']},
    ])
  })

  it('returns nothing when nothing references EFS', () => {
    expect(inferFileSystems({taskDefinitions: [td([{name: 'tmp', host: {}}])], userData: [ud('#!/bin/bash')], mountTargetVpcs: new Map()})).toEqual([])
  })
})
