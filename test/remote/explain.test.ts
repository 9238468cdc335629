import {allChecks} from '../../src/checks/index.js'
import {explain, printable, referencedCheckIds, SIGNATURES} from '../../src/remote/explain.js'

const ids = (text: string) => explain(text).matches.map(m => m.id)
/**
 * CPU milliseconds `run` takes, best of five: CPU time (not wall time) because the machines that run the tests are
 * shared and a descheduled process says nothing about the code; best of five because even CPU time swells under a
 * load of 10 on two cores (a 1 MB paste measured 8–16 ms, once over 50 in a best of three).
 */
const bestOf5 = (run: () => void): number => Math.min(...[0, 1, 2, 3, 4].map(() => {
  const started = process.cpuUsage()
  run()
  const used = process.cpuUsage(started)
  return (used.user + used.system) / 1000
}))

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

  test('a mount of 127.0.0.1 (efs-utils\' TLS tunnel) that the server refuses: TLS was used, so IAM comes first', () => {
    const text = "b'mount.nfs4: access denied by server while mounting 127.0.0.1:/'"
    expect(ids(text)).toEqual(['access-denied-tls'])
    const m = explain(text).matches[0]
    expect(m.causes[0]).toMatch(/does not pass iam/)
    expect(m.causes.join(' ')).not.toMatch(/without tls|SecureTransport/)
    // Any other server still gets the general signature, which names the TLS policy first.
    expect(ids('mount.nfs4: access denied by server while mounting 10.0.1.25:/')).toEqual(['access-denied'])
  })

  test('an AZ-specific name that does not resolve: the AZ it names, not the client\'s own, lacks the mount target', () => {
    // As posted in datacratic/StarCluster#64 (the reporter's paste, log prefixes removed).
    const text = 'mount.nfs4: Failed to resolve server us-east-1b.fs-XYZ123.efs.us-east-1.amazonaws.com: Name or service not known'
    expect(ids(text)[0]).toBe('dns-resolve-az')
    const m = explain(text).matches[0]
    expect(m.causes[0]).toMatch(/no mount target in the AZ the name names/)
    expect(m.causes.join(' ')).not.toMatch(/instance's Availability Zone/)
    expect(ids('mount.nfs: Failed to resolve server fs-2ef75f85.efs.us-west-2.amazonaws.com: Name or service not known')[0]).toBe('dns-resolve')
  })

  test('a reset connection: a security group that refuses every time, or the TLS tunnel when it happens only sometimes', () => {
    const m = explain('VolumeDriver.Create: mounting volume failed: mount.nfs4: Connection reset by peer').matches[0]
    expect(m.id).toBe('connection-reset')
    expect(m.causes[0]).toMatch(/^every time: the mount target's security group/)
    expect(m.causes[1]).toMatch(/^only sometimes: the TLS tunnel/)
    expect(m.causes.join(' ')).not.toMatch(/another AZ/)
  })

  test('a TLS mount that stops answering names the local tunnel, not the server', () => {
    expect(ids('[2521412.689613] nfs: server 127.0.0.1 not responding, timed out')).toEqual(['tls-tunnel-not-responding'])
    expect(explain('nfs: server 127.0.0.1 not responding, still trying').matches[0].causes[0]).toMatch(/watchdog/)
    expect(ids('nfs: server 10.0.1.25 not responding, still trying')).toEqual(['server-not-responding'])
  })

  test('"Cannot retrieve az" is a warning on the way to the real error, not a missing region', () => {
    const warning = '2025-06-02 05:53:46 UTC - WARNING - Get AZ via metadata service call failed, Cannot retrieve az from instance_metadata'
    expect(ids(warning)).toEqual(['imds-az'])
    expect(ids(`${warning}\n2025-06-02 05:53:47 UTC - ERROR - Failed to resolve "fs-XXX.efs.eu-west-1.amazonaws.com". The file system mount target ip address cannot be found, please pass mount target ip address via mount options.`))
      .toEqual(['dns-resolve', 'imds-az'])
    expect(explain(warning).matches[0].title).not.toMatch(/region/)
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

  test.each([
    ['Failed to resolve "fs-xxxxxxxxxx.efs.us-west-1.amazonaws.com" - check that your file system ID is correct.'],
    ['Failed to resolve "fs-XXXX.efs.eu-west-1.amazonaws.com" - check that your file system ID is correct.'],
    ['Failed to resolve "fs-<id>.efs.us-east-1.amazonaws.com" - check that your file system ID is correct.'],
    ['Failed to resolve "fs-….efs.us-east-1.amazonaws.com" - check that your file system ID is correct.'],
    ['Failed to resolve "*.efs.*.amazonaws.com" - check that your file system ID is correct.'],
    ['Failed to resolve "<file-system-id>.efs.<region>.amazonaws.com"'],
    ['mount.nfs4: Failed to resolve server fs-*.efs.us-east-1.amazonaws.com: Name or service not known'],
    // busybox (Alpine) mount: libbb str2sockaddr prints `bad address '%s'` when getaddrinfo fails
    ["mount: bad address 'fs-0123456789abcdef0.efs.eu-west-1.amazonaws.com'"],
    ["mount: bad address 'fs-….efs.eu-west-1.amazonaws.com'"],
  ])('a redacted or placeholder id still routes to DNS: %s', text => {
    expect(ids(text)[0]).toBe('dns-resolve')
  })

  test('placeholders in other signatures: root directory, access denied, server not responding', () => {
    expect(ids("b'mount.nfs4: mounting fs-<id>.efs.<region>.amazonaws.com:/data failed, reason given by server: No such file or directory'")[0]).toBe('root-dir-missing')
    expect(ids("mount.nfs4: access denied by server while mounting <file-system-id>.efs.us-east-1.amazonaws.com:/")[0]).toBe('access-denied')
    expect(ids('nfs: server fs-xxxx.efs.us-east-1.amazonaws.com not responding, still trying')[0]).toBe('server-not-responding')
  })

  test.each([
    ['mount.nfs4: Protocol not supported'],
    ['mount.nfs: mount(2): Protocol not supported'],
    ['mount.nfs4: mounting fs-0123456789abcdef0.efs.eu-west-1.amazonaws.com:/ failed: Protocol not supported'],
  ])('EPROTONOSUPPORT routes to the NFS version and client: %s', text => {
    const [m] = explain(text).matches
    expect(m.id).toBe('protocol-not-supported')
    expect(m.checks).toEqual(['host/mount-options', 'host/nfs-client-installed'])
  })

  test.each([
    // aws/efs-utils#65: the reporter removed efs-utils, then `mount -t efs` reached the kernel's own efs type
    ['mount: /home/ubuntu/efs: special device fs-FS_ID:/ does not exist.', 'efs-utils-missing'],
    ["mount: /mnt/efs: special device fs-0123456789abcdef0:/ does not exist.", 'efs-utils-missing'],
    // aws/efs-utils#163 and #172: start_watchdog runs upstart's /sbin/status when PID 1 is named init
    ["FileNotFoundError: [Errno 2] No such file or directory: '/sbin/status'", 'watchdog-upstart'],
    // aws/efs-utils#30: stunnel's OCSP request could not pass a proxy
    ['LOG4[31598:139665592420096]: OCSP check failed: depth=1, /C=US/O=Amazon/OU=Server CA 1B/CN=Amazon', 'tls-cert-verify'],
    ['SSL_connect: 14090086: error:14090086:SSL routines:ssl3_get_server_certificate:certificate verify failed', 'tls-cert-verify'],
  ])('efs-utils install, init system and TLS certificate messages: %s', (text, id) => {
    expect(ids(text)[0]).toBe(id)
  })

  test('a missing special device that is not an NFS-style source, or a missing file elsewhere, is not claimed', () => {
    expect(ids('mount: /mnt/data: special device /dev/xvdf does not exist.')).toEqual([])
    expect(ids("FileNotFoundError: [Errno 2] No such file or directory: '/etc/app.conf'")).toEqual([])
  })

  test('"Protocol family not supported" (an address family, not the NFS version) is not claimed by it', () => {
    expect(ids('mount.nfs: Protocol family not supported')).not.toContain('protocol-not-supported')
  })

  test('busybox "bad address" for a name that is not EFS is not claimed', () => {
    expect(explain("ping: bad address 'google.com'").matches).toEqual([])
  })

  test('a multi-line paste names the line that matched, for each match', () => {
    const text = [
      '2024-01-01 10:00:00 UTC - INFO - version=1.35.0 options={}',
      'Attempting to lookup mount target ip address using botocore.',
      'Failed to import necessary dependency botocore, please install botocore first.',
      'Failed to resolve "fs-0123.efs.eu-west-1.amazonaws.com" - check that your file system ID is correct.',
    ].join('\r\n')
    const m = explain(text).matches
    expect(m.map(x => [x.id, x.line?.number])).toEqual([['dns-resolve', 4], ['botocore-hint', 2]])
    expect(m[0].line?.text).toBe('Failed to resolve "fs-0123.efs.eu-west-1.amazonaws.com" - check that your file system ID is correct.')
    expect(explain('mount.nfs4: Connection timed out').matches[0].line).toBeUndefined()
  })

  test('no signature has a nested quantifier (a quantified group that itself holds a quantifier)', () => {
    const nested = /\((?:[^()\\]|\\.)*(?:[*+]|\{\d*,?\d*\})(?:[^()\\]|\\.)*\)(?:[*+]|\{\d*,?\d*\})/
    expect(SIGNATURES.filter(s => nested.test(s.pattern.source)).map(s => s.id)).toEqual([])
  })

  test('every signature answers 100 KB adversarial input in under 50 ms', () => {
    const kb100 = 100_000
    const fill = (unit: string) => unit.repeat(Math.ceil(kb100 / unit.length)).slice(0, kb100)
    const inputs = [
      fill('a'), fill(' '), fill('\n'), fill('fs-'), fill('.efs.'), fill('"'), fill("'"),
      fill('Failed to resolve '), fill('Failed to resolve server x'), `Failed to resolve "${fill('x')}`,
      `bad address '${fill('x')}`, fill("bad address '"), fill('.efs.cn-north-1.amazonaws.com.cn'),
      `chown: changing ownership of ${fill('x')}`, fill('Create TaskDefinition: '), `fsmt-${fill('x')}`,
      `No such file or directory: '${fill('x')}`, fill('stunnel: LOG3['), fill('Unknown volume '),
      fill('Mount target in the az x '), fill('nfs: server x '),
    ]
    const slow: string[] = []
    for (const s of SIGNATURES) {
      for (const input of inputs) {
        const ms = bestOf5(() => s.pattern.exec(input))
        if (ms >= 50) slow.push(`${s.id} on ${JSON.stringify(input.slice(0, 20))}…: ${ms.toFixed(1)} ms`)
      }
    }
    expect(slow).toEqual([])
  })

  test('a 1 MB paste is answered in linear time (issue 17 target: 50 ms), and finds the error at its end', () => {
    const log = '2024-01-01 10:00:00 UTC - INFO - Executing: "/sbin/mount.nfs4 127.0.0.1:/ /mnt/efs -o rw,port=20049"\n'
    const paste = `${log.repeat(Math.ceil(1_000_000 / log.length))}mount.nfs4: access denied by server while mounting 127.0.0.1:/\n`
    expect(paste.length).toBeGreaterThan(1_000_000)
    const e = explain(paste)
    const ms = bestOf5(() => explain(paste))
    expect(e.matches[0].id).toBe('access-denied-tls')
    expect(e.matches[0].line?.number).toBe(paste.split('\n').length - 1)
    process.stdout.write(`1 MB paste: ${ms.toFixed(1)} ms CPU\n`)
    // NOTE: alone this measures 8–20 ms CPU; inside the full parallel suite at load 10+ on two cores it measured 124 ms
    // once. The bound catches what matters (a pattern that is not linear takes seconds on 1 MB); the 50 ms target
    // is a measurement, not a test assertion.
    expect(ms).toBeLessThan(500)
  })

  test('printable strips terminal escapes and control characters and cuts long text', () => {
    expect(printable('a\u001B[31mred\u0007\nb')).toBe('a [31mred  b')
    expect(printable('x'.repeat(500), 10)).toBe(`${'x'.repeat(10)}…`)
  })
})
