import {spawnSync} from 'node:child_process'
import {chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import fc from 'fast-check'
import {UsageError} from '../../src/core/errors.js'
import type {HostFacts} from '../../src/model/snapshot.js'
import {
  buildEnvHeader, buildRemoteCommand, chooseTarget, planMount, renderPlan, selectForCluster, shellQuote, validateMountRequest,
  type MountRequest,
} from '../../src/remote/mount-plan.js'
import type {ProbeFacts} from '../../src/model/probe-facts.js'
import {healthy, IDS, withFault} from '../support/snapshot-builder.js'

const [I1, , I3] = IDS.instances
const base: MountRequest = {fileSystemId: IDS.fs, path: '/mnt/efs'}
const SCRIPT = readFileSync(new URL('../../src/remote/scripts/mount-efs.sh', import.meta.url), 'utf8')

let dir: string
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'efsd-plan-')) })
afterEach(() => rmSync(dir, {recursive: true, force: true}))

describe('validateMountRequest', () => {
  test('accepts good input and defaults to fstab on, method decided on the host', () => {
    const s = validateMountRequest({...base, path: '/mnt/efs/', options: 'noatime,actimeo=30'})
    expect(s).toMatchObject({path: '/mnt/efs', method: 'auto', fstab: true, tls: false, options: ['noatime', 'actimeo=30']})
  })

  test.each<[Partial<MountRequest>, RegExp]>([
    [{fileSystemId: 'fs-12345'}, /not an EFS file system id/],
    [{fileSystemId: 'fs-0A1B2C3D'}, /not an EFS file system id/],
    [{path: 'mnt/efs'}, /absolute path/],
    [{path: '/mnt/my efs'}, /absolute path/],
    [{path: '/mnt/../etc'}, /\.\. parts/],
    [{path: '/etc'}, /system directory/],
    [{path: '/var/lib/docker'}, /system directory/],
    [{accessPointId: 'fsap-0123'}, /access point id/],
    [{region: 'eu-west-1; rm -rf /'}, /region/],
    [{options: 'tls'}, /use --tls/],
    [{options: 'rsize=big'}, /needs a value/],
    [{options: 'hard=1'}, /takes no value/],
    [{options: 'exec'}, /not allowed/],
    [{method: 'nfs', tls: true}, /need --method efs-utils/],
  ])('%p is refused', (patch, message) => {
    expect(() => validateMountRequest({...base, ...patch})).toThrow(UsageError)
    expect(() => validateMountRequest({...base, ...patch})).toThrow(message)
  })

  test('/home: refused on a running host (it would hide every user\'s files), allowed at first boot; other system directories never', () => {
    expect(() => validateMountRequest({...base, path: '/home'})).toThrow('--path "/home" on a running host would hide every user\'s files and SSH keys')
    expect(validateMountRequest({...base, path: '/home/', atFirstBoot: true}).path).toBe('/home')
    expect(() => validateMountRequest({...base, path: '/etc', atFirstBoot: true})).toThrow(/system directory/)
    expect(() => validateMountRequest({...base, path: '/', atFirstBoot: true})).toThrow(UsageError)
  })

  test('--iam implies --tls and efs-utils, and says so', () => {
    const s = validateMountRequest({...base, iam: true})
    expect(s).toMatchObject({tls: true, iam: true, method: 'efs'})
    expect(s.notes.join(' ')).toContain('--iam needs TLS')
  })
})

describe('chooseTarget', () => {
  const nfs = validateMountRequest({...base, method: 'nfs'})

  test('uses the mount target of the instance AZ by DNS name when VPC DNS works', () => {
    expect(chooseTarget(healthy(), I3, nfs)).toMatchObject({
      kind: 'dns', target: `${IDS.fs}.efs.eu-west-1.amazonaws.com`, mountTargetId: IDS.mountTargets.b, azName: 'eu-west-1b',
    })
  })

  test('falls back to the mount-target IP when VPC DNS is off', () => {
    const s = withFault(x => { x.vpcs![IDS.vpc].enableDnsHostnames = false })
    const c = chooseTarget(s, I1, nfs)
    expect(c).toMatchObject({kind: 'ip', target: '10.20.1.25', mountTargetId: IDS.mountTargets.a})
    expect(c.why).toContain('VPC DNS cannot resolve')
  })

  test('uses the IP when custom DNS servers are set', () => {
    const s = withFault(x => { x.vpcs![IDS.vpc].domainNameServers = ['10.0.0.2'] })
    expect(chooseTarget(s, I1, nfs).kind).toBe('ip')
  })

  test('reports a problem when the AZ has no mount target', () => {
    const s = withFault(x => { x.mountTargets = x.mountTargets!.filter(m => m.id !== IDS.mountTargets.a) })
    const c = chooseTarget(s, I1, nfs)
    expect(c.kind).toBe('none')
    expect(c.problem).toContain('no mount target in eu-west-1a')
  })

  test('without inventory the nfs method cannot run but efs-utils can', () => {
    expect(chooseTarget(undefined, I1, nfs).problem).toBeDefined()
    expect(chooseTarget(undefined, I1, validateMountRequest({...base, method: 'efs-utils'})).problem).toBeUndefined()
  })
})

describe('planMount / renderPlan', () => {
  test('per-instance target, fstab line with _netdev,nofail and the EFS NFS options', () => {
    const plan = planMount(validateMountRequest({...base, method: 'nfs'}), healthy(), [I1, I3], SCRIPT)
    expect(plan.instances[0].lines).toEqual([{
      method: 'nfs',
      fstabLine: `${IDS.fs}.efs.eu-west-1.amazonaws.com:/ /mnt/efs nfs4 nfsvers=4.1,rsize=1048576,wsize=1048576,hard,timeo=600,retrans=2,noresvport,_netdev,nofail 0 0`,
      mountCommand: `mount -t nfs4 -o nfsvers=4.1,rsize=1048576,wsize=1048576,hard,timeo=600,retrans=2,noresvport ${IDS.fs}.efs.eu-west-1.amazonaws.com:/ /mnt/efs`,
    }])
    const text = renderPlan(plan, {showScript: true})
    expect(text).toContain(`${I3}: ${IDS.mountTargets.b} in eu-west-1b by DNS name`)
    expect(text).toContain('export EFSD_FS_ID=\'fs-0a1b2c3d4e5f60718\'')
  })

  test('efs-utils line carries tls, iam and accesspoint', () => {
    const plan = planMount(validateMountRequest({...base, method: 'efs-utils', iam: true, accessPointId: 'fsap-0123456789abcdef0'}),
      healthy(), [I1], SCRIPT)
    expect(plan.instances[0].lines[0].fstabLine)
      .toBe(`${IDS.fs}:/ /mnt/efs efs tls,iam,accesspoint=fsap-0123456789abcdef0,_netdev,nofail 0 0`)
  })

  test('the fstab line the plan shows is exactly what the script writes', () => {
    const root = join(dir, 'root')
    mkdirSync(join(root, 'etc'), {recursive: true})
    mkdirSync(join(root, 'proc/self'), {recursive: true})
    writeFileSync(join(root, 'etc/fstab'), '')
    writeFileSync(join(root, 'proc/self/mountinfo'), '')
    const bin = join(dir, 'bin')
    mkdirSync(bin)
    writeFileSync(join(bin, 'mount'), '#!/usr/bin/env bash\nprintf \'1 1 0:1 / %s rw - nfs4 %s rw\\n\' "${*: -1}" "${*: -2:1}" >> "$EFSD_ROOT/proc/self/mountinfo"\n')
    writeFileSync(join(bin, 'mount.nfs4'), '#!/bin/sh\n')
    chmodSync(join(bin, 'mount'), 0o755)
    chmodSync(join(bin, 'mount.nfs4'), 0o755)
    const plan = planMount(validateMountRequest({...base, method: 'nfs', options: 'noatime'}), healthy(), [I1], SCRIPT)
    // NOTE: run through /bin/sh (dash here) the way SSM may; EFSD_ROOT/EFSD_MOUNT_BIN come from the environment.
    const r = spawnSync('sh', ['-c', plan.instances[0].command!], {
      encoding: 'utf8', env: {PATH: `${bin}:/usr/bin:/bin`, EFSD_ROOT: root, EFSD_MOUNT_BIN: join(bin, 'mount')},
    })
    expect(r.stdout).toContain('EFSD_RESULT status=applied')
    expect(r.status).toBe(0)
    expect(readFileSync(join(root, 'etc/fstab'), 'utf8')).toBe(`${plan.instances[0].lines[0].fstabLine}\n`)
  })
})

describe('no input can add a shell command', () => {
  const VARS = ['EFSD_FS_ID', 'EFSD_PATH', 'EFSD_TARGET', 'EFSD_OPTIONS', 'EFSD_ACCESS_POINT', 'EFSD_REGION']
  const nasty = fc.oneof(
    fc.string({unit: 'binary', maxLength: 40}),
    fc.array(fc.constantFrom('\'', '"', '`', '$(', ')', ';', '&', '|', '\n', '\\', ' ', 'touch CANARY', '${IFS}', '#', '*', 'fs-0123abcd'),
      {maxLength: 12}).map(a => a.join('')),
  ).map(s => s.replaceAll('\0', ''))

  // A shell that could not be started or was killed (EAGAIN, OOM killer on a loaded CI machine) says nothing about the
  // command: try again, and fail with the reason when it keeps happening. (CI once saw an empty stdout for valid values.)
  const run = (shell: string, text: string) => {
    for (let attempt = 1; ; attempt++) {
      // stdin not a socket and HOME empty: bash run with a socket on stdin thinks sshd started it and reads ~/.bashrc.
      const r = spawnSync(shell, ['-c', text], {cwd: dir, encoding: 'utf8', env: {PATH: '/usr/bin:/bin', HOME: dir}, stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000})
      if (!r.error && !r.signal) return r
      if (attempt === 3) throw new Error(`${shell} did not run: ${r.error?.message ?? `killed by ${r.signal}`}; stderr: ${r.stderr}`)
    }
  }

  // NOTE: a shell start costs far more than the few commands each value needs, so each run of the two properties below
  // hands one shell a batch of values, each command on its own line, and compares what each printed, separated by
  // NULs (none of the values holds one). fast-check shrinks a failing batch down to the one value that breaks it.
  // 150 values per property as before, ~10 shells instead of 150 (300 for shellQuote).
  const BATCH = 15
  const batches = <T>(values: fc.Arbitrary<T>) => fc.array(values, {minLength: BATCH, maxLength: BATCH})

  test('shellQuote round-trips any string through bash and dash', () => {
    fc.assert(fc.property(batches(nasty), values => {
      for (const shell of ['bash', 'sh']) {
        const r = run(shell, `set -u\n${values.map(value => `printf '%s\\0' ${shellQuote(value)}\n`).join('')}`)
        expect(r.stdout.split('\0').slice(0, -1)).toEqual(values)
      }
      expect(existsSync(join(dir, 'CANARY'))).toBe(false)
    }), {numRuns: 150 / BATCH})
  })

  test('an env header prints back exactly its values and runs nothing else', () => {
    const printer = `printf '%s\\0' ${VARS.map(v => `"$${v}"`).join(' ')}\n`
    fc.assert(fc.property(batches(fc.tuple(...VARS.map(() => nasty))), batch => {
      // Each header in a subshell of its own, so no value can outlive its own header.
      const script = batch.map(values => `(\n${buildEnvHeader(Object.fromEntries(VARS.map((v, i) => [v, values[i]])))}${printer})\n`)
      const r = run('bash', `set -u\n${script.join('')}`)
      expect(r.status).toBe(0)
      expect(r.stdout.split('\0').slice(0, -1)).toEqual(batch.flat())
      expect(existsSync(join(dir, 'CANARY'))).toBe(false)
    }), {numRuns: 150 / BATCH})
  })

  test('planMount either refuses the input or sends a command that only carries the values', () => {
    // Mostly valid values so that many cases get through validation; the rest arbitrary.
    const field = (valid: string) => fc.oneof({arbitrary: fc.constant(valid), weight: 3}, {arbitrary: nasty, weight: 1})
    const printer = `printf '%s\\0' ${VARS.map(v => `"$${v}"`).join(' ')}\n`
    let sent = 0
    fc.assert(fc.property(field(IDS.fs), field('/mnt/efs'), field('fsap-0123456789abcdef0'), field('eu-west-1'), field('noatime'),
      (fileSystemId, path, accessPointId, region, options) => {
        let plan
        try {
          plan = planMount(validateMountRequest({fileSystemId, path, accessPointId, region, options}), healthy(), [I1], printer)
        } catch (error) {
          expect(error).toBeInstanceOf(UsageError)
          return
        }
        const p = plan.instances[0]
        if (p.command === undefined) {
          // Nothing is sent, and the plan says why (an id such as fs-0123abcd that no mount target in the snapshot serves).
          expect(p.choice.problem).toEqual(expect.any(String))
          return
        }
        sent++
        const r = run('sh', p.command)
        expect({status: r.status, stderr: r.stderr}).toEqual({status: 0, stderr: ''})
        expect(r.stdout.split('\0').slice(0, -1)).toEqual(VARS.map(v => p.env[v]))
        expect(p.env.EFSD_FS_ID).toBe(fileSystemId)
        expect(existsSync(join(dir, 'CANARY'))).toBe(false)
      }), {numRuns: 200})
    expect(sent).toBeGreaterThan(10)
  })

  test('values with quotes survive the full command (unit)', () => {
    const cmd = buildRemoteCommand({EFSD_PATH: 'it\'s; touch CANARY'}, 'printf "%s" "$EFSD_PATH"')
    expect(run('sh', cmd).stdout).toBe('it\'s; touch CANARY')
    expect(existsSync(join(dir, 'CANARY'))).toBe(false)
  })
})

describe('selectForCluster', () => {
  const spec = validateMountRequest(base)
  const facts = (p: Partial<ProbeFacts>): HostFacts['facts'] => ({formatVersion: 1, probeVersion: 't', complete: true,
    clients: {mountNfs4: true, mountEfs: true}, packages: {}, services: {}, dns: [], tcp: [], mounts: [], expectedPaths: [],
    fstab: [], containers: [], containerMounts: [], logs: [], truncated: [], efsStateFiles: [], ...p})
  const fstab = [{device: `${IDS.fs}:/`, mountPoint: '/mnt/efs', fstype: 'efs', options: []}]
  const tls = {target: '/mnt/efs', source: '127.0.0.1:/', fstype: 'nfs4', options: []}

  test('picks instances lacking the mount; TLS mounts recognised by the efs-utils state file; mounted without fstab is sent', () => {
    const [a, b, c, d, e, f] = IDS.instances
    const s = withFault(x => {
      x.hostFacts = {
        [a]: {instanceId: a, status: 'ok', facts: facts({})},
        [b]: {instanceId: b, status: 'ok', facts: facts({mounts: [tls], fstab, efsStateFiles: [`${IDS.fs}.mnt.efs.20049`]})},
        [c]: {instanceId: c, status: 'ok', facts: facts({mounts: [tls], fstab})},
        [d]: {instanceId: d, status: 'ok', facts: facts({mounts: [{...tls, source: '10.20.5.25:/'}]})},
        [e]: {instanceId: e, status: 'offline', reason: 'agent not connected'},
      }
      x.containerInstances!.find(ci => ci.ec2InstanceId === f)!.status = 'DRAINING'
    })
    const sel = selectForCluster(s, spec)
    expect(sel.targets).toEqual([a, d])
    expect(sel.mounted).toEqual([{instanceId: b, source: '127.0.0.1:/'}])
    expect(sel.skipped.map(x => x.instanceId)).toEqual([c, e])
    expect(sel.skipped[0].reason).toContain('already mounted from 127.0.0.1:/')
    expect(sel.skipped[1].reason).toContain('offline: agent not connected')
  })

  test('without probe results every ACTIVE instance is a target, with a note', () => {
    const sel = selectForCluster(healthy(), spec)
    expect(sel.targets).toEqual([...IDS.instances])
    expect(sel.notes[0]).toContain('no host probe results')
  })
})

describe('renderPlan with no instance to send to', () => {
  it('says so instead of promising an fstab line "below" that never comes', () => {
    const spec = validateMountRequest({fileSystemId: IDS.fs, path: '/mnt/efs', method: 'efs-utils'})
    const text = renderPlan(planMount(spec, healthy(), [], '#!/bin/bash\n'))
    expect(text).toMatch(/^Mount fs-\w+ at \/mnt\/efs: no instance to send it to/)
    expect(text).not.toMatch(/fstab:/)
    expect(text).not.toMatch(/0 instance/)
  })
})
