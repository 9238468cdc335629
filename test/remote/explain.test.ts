import {allChecks} from '../../src/checks/index.js'
import {explain, referencedCheckIds, SIGNATURES} from '../../src/remote/explain.js'

const ids = (text: string) => explain(text).matches.map(m => m.id)

describe('explain', () => {
  test.each([
    ['Failed to resolve "fs-02417eff7308d5026.efs.ap-northeast-1.amazonaws.com" - check that your file system ID is correct, and ensure that the VPC has an EFS mount target for this file system ID.', 'dns-resolve'],
    ['mount.nfs: Failed to resolve server fs-2ef75f85.efs.us-west-2.amazonaws.com: Name or service not known', 'dns-resolve'],
    ['mount.nfs: Failed to resolve server fs-aaaaaaaa.efs.us-east-1.amazonaws.com: No address associated with hostname', 'dns-resolve'],
    ['mount.nfs4: Connection timed out', 'connection-timeout'],
    ['Mount attempt 1/3 failed due to timeout after 15 sec, wait 0 sec before next attempt.', 'connection-timeout'],
    ['VolumeDriver.Create: mounting volume failed: mount.nfs4: Connection reset by peer', 'connection-reset'],
    ["b'mount.nfs4: access denied by server while mounting fs-065b374f6a1a6b4c8.efs.us-east-1.amazonaws.com:/'", 'access-denied'],
    ["b'mount.nfs4: mounting fs-468514f2.efs.us-east-1.amazonaws.com:/var/fuseki/data/admin failed, reason given by server: No such file or directory'", 'root-dir-missing'],
    ["mount: /efstest: unknown filesystem type 'efs'.", 'efs-utils-missing'],
    ['mount: wrong fs type, bad option, bad superblock on fs-12345678:/, missing codepage or helper program, or other error', 'nfs-client-missing'],
    ["An error occurred (ClientException) when calling the RegisterTaskDefinition operation: Unknown volume 'root-RO'.", 'unknown-volume'],
    ['service prod-web was unable to place a task because no container instance met all of its requirements. The closest matching container-instance 1f3c is missing an attribute required by your task. For more information, see the Troubleshooting section.', 'missing-attribute'],
    ['Error response from daemon: create ecs-web-1-shared: error looking up volume plugin amazon-ecs-volume-plugin: plugin "amazon-ecs-volume-plugin" not found', 'volume-plugin-missing'],
    ['Failed to mount fs-0a1b2c3d:/ because the network was not yet available, add "_netdev" to your mount options', 'netdev-missing'],
    ['cp: cannot create regular file \'/data/x\': Stale file handle', 'stale-handle'],
    ["touch: cannot touch '/mnt/efs/a': Read-only file system", 'read-only'],
    ['kernel: nfs: server fs-0a1b2c3d.efs.eu-west-1.amazonaws.com not responding, still trying', 'server-not-responding'],
    ['NFS: nfs4_discover_server_trunking unhandled error -512. Exiting with error EIO', 'trunking-512'],
    ['The "tls" option is required when mounting via "accesspoint"', 'tls-required'],
    ['Error retrieving region. Please set the "region" parameter in the efs-utils configuration file.', 'imds-region'],
    ['mount.nfs: an incorrect mount option was specified', 'incorrect-option'],
  ])('%s', (text, id) => {
    expect(ids(text)[0]).toBe(id)
    const m = explain(text).matches[0]
    expect(m.causes.length).toBeGreaterThan(0)
    expect(m.fix.length).toBeGreaterThan(10)
  })

  test('the full ResourceInitializationError with a DNS failure routes to DNS first, the wrapper last, botocore as a hint', () => {
    const text = 'ResourceInitializationError: failed to invoke EFS utils commands to set up EFS volumes: stderr: Failed to resolve "fs-0123456789abcdef0.efs.us-east-1.amazonaws.com" - check that your file system ID is correct, and ensure that the VPC has an EFS mount target for this file system ID. See https://docs.aws.amazon.com/console/efs/mount-dns-name for more detail. Attempting to lookup mount target ip address using botocore. Failed to import necessary dependency botocore, please install botocore first. : unsuccessful EFS utils command execution; code: 1'
    expect(ids(text)).toEqual(['dns-resolve', 'botocore-hint', 'resource-initialization'])
    expect(explain(text).matches[0].checks).toContain('efs/mount-target-per-az')
  })

  test('the full ResourceInitializationError with access denied routes to the policy', () => {
    const text = "ResourceInitializationError: failed to invoke EFS utils commands to set up EFS volumes: stderr: b'mount.nfs4: access denied by server while mounting fs-065b374f6a1a6b4c8.efs.us-east-1.amazonaws.com:/' : unsuccessful EFS utils command execution; code: 32"
    expect(ids(text)).toEqual(['access-denied', 'resource-initialization'])
    expect(explain(text).matches[0].causes[0]).toMatch(/SecureTransport/)
  })

  test('the full ResourceInitializationError with a timeout routes to the network', () => {
    const text = 'ResourceInitializationError: failed to invoke EFS utils commands to set up EFS volumes: stderr: mount.nfs4: Connection timed out : unsuccessful EFS utils command execution; code: 32'
    expect(ids(text)).toEqual(['connection-timeout', 'resource-initialization'])
  })

  test('a cut ResourceInitializationError still matches the wrapper', () => {
    expect(ids('ResourceInitializationError: failed to invoke EFS utils commands to set up EFS volumes: stderr: b\'mount.n...')).toEqual(['resource-initialization'])
  })

  test('unrelated text matches nothing', () => {
    expect(explain('Essential container in task exited').matches).toEqual([])
    expect(explain('CannotPullContainerError: pull image manifest has been retried 5 time(s)').matches).toEqual([])
  })

  test('every signature refers only to check ids that exist or are planned in the host-probe issue', () => {
    const known = new Set([...allChecks.map(c => c.id as string), 'host/mount-options', 'host/boot-errors', 'ecs/container-sees-efs'])
    expect(referencedCheckIds().filter(id => !known.has(id))).toEqual([])
    expect(new Set(SIGNATURES.map(s => s.id)).size).toBe(SIGNATURES.length)
  })
})
