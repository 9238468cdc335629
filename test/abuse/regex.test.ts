/**
 * Item 4: the patterns that read template text and UserData stay linear on hostile text. Each runs through the code
 * that uses it over 100 KB adversarial strings: the Fn::Sub pattern on unclosed `${` (640 KB took 97 s), the
 * URL-credentials rule on letters (100 KB took 7 s), a private key's lines on TABs. Bounds are CPU time, generous
 * for a loaded machine; a linear run takes a few milliseconds.
 */
import fc from 'fast-check'
import {coveringNfsMount, taskSourcePaths} from '../../src/checks/_lib/host.js'
import {efsUtilsVersion} from '../../src/checks/_lib/efs-utils.js'
import {rootDirectoryNeeds} from '../../src/checks/_lib/root-directories.js'
import {parseUserData} from '../../src/checks/_lib/user-data.js'
import {awsCommand} from '../../src/checks/_lib/user-data-shell.js'
import {isPlaceholder} from '../../src/checks/_lib/task-definitions.js'
import {usageModel} from '../../src/checks/_lib/usage.js'
import {volumeSourceOnEfs} from '../../src/checks/ecs/volume-source-on-efs.js'
import {efsDnsSuffix} from '../../src/checks/host/efs-dns-suffix.js'
import {copyOutCommand} from '../../src/checks/host/no-shadowed-data.js'
import {redactSecrets} from '../../src/core/redact.js'
import {runChecks} from '../../src/core/run-checks.js'
import {trimSlash, trimTrailing} from '../../src/core/trim.js'
import {inferFileSystems, mountPointsIn} from '../../src/inventory/infer.js'
import {Resolver} from '../../src/lint/intrinsics.js'
import type {Snapshot} from '../../src/model/snapshot.js'
import {selectForCluster, validateMountRequest} from '../../src/remote/mount-plan.js'
import {wrapPlain} from '../../src/report/wrap.js'
import {healthyFacts, withHostFault} from '../support/host-facts.js'
import {IDS, withFault} from '../support/snapshot-builder.js'

const SIZE = 100_000
const BOUND_MS = 50
const pump = (p: string) => p.repeat(Math.ceil(SIZE / p.length)).slice(0, SIZE)

function cpuMs(fn: () => unknown): number {
  fn() // NOTE: the first call compiles the pattern and the code around it; the bound is for the work itself.
  const start = process.cpuUsage()
  fn()
  const d = process.cpuUsage(start)
  return (d.user + d.system) / 1000
}

describe('item 4: linear patterns on 100 KB of hostile text', () => {
  const resolver = new Resolver({resourceTypes: {}, parameters: new Set(['P']), knownNames: {}})

  it.each([['${'], ['${a'], ['${!'], ['$'], ['${P}${']])('Fn::Sub over %j repeated', p => {
    const text = pump(p)
    expect(resolver.str({'Fn::Sub': text})).toBeDefined()
    expect(cpuMs(() => resolver.str({'Fn::Sub': text}))).toBeLessThan(BOUND_MS)
  })

  it.each([['a'], ['a.'], ['a://'], ['a://b:'], ['\t'], [' '], ['a_PASS'], ['_TOKEN_'], ['curl -u a:'], ['mysql -p'], ['-----BEGIN RSA PRIVATE KEY-----\n\t']])('the redactor over %j repeated', p => {
    const text = pump(p)
    expect(cpuMs(() => redactSecrets(text))).toBeLessThan(BOUND_MS * 4)
    const keyed = `-----BEGIN RSA PRIVATE KEY-----\n${text}`
    expect(cpuMs(() => redactSecrets(keyed))).toBeLessThan(BOUND_MS * 4)
  })
})

/**
 * The call sites that trimmed or cut untrusted text with an end-anchored run (`/\/+$/`, `/-+$/`, `/ +$/`, `:.*$`) or
 * searched it with unbounded runs (`(\d+)\.(\d+)\.(\d+)`, `\$\{[^}]+\}`). Each took 4–18 s of CPU on these 100 KB
 * strings (volume-source-on-efs 178 s); linear, each is under 50 ms. The bound is CPU time, generous for a
 * loaded machine and still far below a quadratic run.
 */
describe('item 4: call sites that trim or cut untrusted text stay linear on 100 KB', () => {
  const SITE_BOUND_MS = 200
  const slashes = `${'/'.repeat(SIZE)}x`
  const withSource = (p: string): Snapshot => withFault(x => { x.taskDefinitions![0].volumes[0].host = {sourcePath: p} })
  const hostSource = (source: string): Snapshot => withFault(x => {
    x.hostFacts = {[IDS.instances[0]]: {instanceId: IDS.instances[0], status: 'ok', facts: {...healthyFacts(), mounts: [{target: '/mnt/efs', source, fstype: 'nfs4', options: []}]}}}
  })
  const inChina = (device: string): Snapshot => {
    const s = withHostFault(f => { f.fstab = [{device, mountPoint: '/mnt/efs', fstype: 'nfs4', options: []}] })
    s.scope.region = 'cn-north-1'
    return s
  }
  const spec = validateMountRequest({fileSystemId: IDS.fs, path: '/mnt/efs'})

  it.each<[string, () => unknown]>([
    ['checks/_lib/host taskSourcePaths (sourcePath)', () => taskSourcePaths(withSource(slashes))],
    ['checks/_lib/host coveringNfsMount (mount target)', () => coveringNfsMount({...healthyFacts(), mounts: [{...healthyFacts().mounts[0], target: slashes}]}, '/mnt/efs')],
    ['checks/_lib/root-directories (rootDirectory)', () => rootDirectoryNeeds(withFault(x => { x.taskDefinitions![0].volumes[0].efsVolumeConfiguration = {fileSystemId: IDS.fs, rootDirectory: slashes} }))],
    ['checks/_lib/usage usageModel (sourcePath)', () => usageModel(withSource(slashes))],
    ['ecs/volume-source-on-efs (sourcePath)', () => runChecks([volumeSourceOnEfs], withSource(slashes))],
    ['inventory/infer mountPointsIn (UserData)', () => mountPointsIn(`${IDS.fs}:/ ${slashes}`)],
    ['inventory/infer inferFileSystems (sourcePath)', () => inferFileSystems({taskDefinitions: withSource(slashes).taskDefinitions!, userData: [], mountTargetVpcs: new Map()})],
    ['checks/_lib/efs-utils efsUtilsVersion (digits)', () => efsUtilsVersion({...healthyFacts(), packages: {'amazon-efs-utils': '1'.repeat(SIZE)}, efsUtilsVersion: pump('1.')})],
    ['checks/_lib/task-definitions isPlaceholder (unclosed ${)', () => isPlaceholder(pump('${'))],
    ['host/efs-dns-suffix (fstab device)', () => runChecks([efsDnsSuffix], inChina(`.efs.cn-north-1.${pump('.:/')}x`))],
    ['host/no-shadowed-data copyOutCommand (mount point)', () => copyOutCommand(`/a${'-'.repeat(SIZE)}b`)],
    ['remote/mount-plan selectForCluster (mount source)', () => selectForCluster(hostSource(`${':'.repeat(SIZE)}\n`), spec)],
    ['report/wrap wrapPlain (spaces, wide)', () => wrapPlain(`a${' '.repeat(SIZE)}b`, 2 * SIZE)],
  ])('%s', (_name, fn) => {
    expect(cpuMs(fn)).toBeLessThan(SITE_BOUND_MS)
  })

  // NOTE: parsing 100 KB of UserData takes about 180 ms of CPU by itself (the same line with `echo`), hence 1 s here;
  // the pattern this replaced doubled its time with each option (22 options: 100 ms), so it never ended on these.
  it.each([['--a=x '], ['--a ']])('checks/_lib/user-data-shell: the aws command in $(…) over %j repeated', unit => {
    let fresh = 0 // parseUserData is memoized by text: each call gets a text of its own.
    const parse = () => parseUserData(`#!/bin/bash\n# ${fresh++}\nFS=$(aws ${pump(unit)}!)\nmount -t efs "$FS":/ /mnt/efs\n`)
    expect(cpuMs(parse)).toBeLessThan(1000)
  })

  // The replacements answer what the patterns answered: compared on short strings, where the patterns are fast.
  const text = (chars: string) => fc.string({unit: fc.constantFrom(...chars), maxLength: 24})
  it('trimTrailing and trimSlash equal the end-anchored patterns', () => {
    fc.assert(fc.property(text('/-. :ax'), s => {
      expect(trimTrailing(s, '/')).toBe(s.replace(/\/+$/, ''))
      expect(trimTrailing(s, '.:/')).toBe(s.replace(/[.:/]+$/, ''))
      expect(trimTrailing(s, ' ')).toBe(s.replace(/ +$/, ''))
      expect(trimSlash(s)).toBe(s.length > 1 ? s.replace(/\/+$/, '') : s)
    }))
  })

  it('awsCommand equals the aws pattern it replaced (exponential in options: 22 of them took 100 ms, each one more doubles it)', () => {
    const AWS = /\baws\s+(?:--?[\w-]+(?:[ =]\S+)?\s+)*([a-z0-9-]+)\s+([a-z0-9-]+)/
    const line = fc.array(fc.constantFrom('aws', 'aws ', ' ', '  ', '\t', '-', '--', '=', 'x', 'ec2', 'A', '!', 's3 cp'), {maxLength: 14}).map(a => a.join(''))
    fc.assert(fc.property(line, s => {
      const m = AWS.exec(s)
      expect(awsCommand(s)).toEqual(m ? [m[1], m[2]] : undefined)
    }), {numRuns: 2000})
    expect(awsCommand('$(aws --region eu-west-1 efs describe-file-systems --query x)')).toEqual(['efs', 'describe-file-systems'])
  })

  it('isPlaceholder equals /\$\{[^}]+\}/', () => {
    fc.assert(fc.property(text('${}a\n'), s => { expect(isPlaceholder(s)).toBe(/\$\{[^}]+\}/.test(s)) }))
  })

  it('efsUtilsVersion equals (\d+)\.(\d+)\.(\d+) while parts have at most 9 digits', () => {
    fc.assert(fc.property(text('0123456789.-v'), s => {
      const m = /(\d+)\.(\d+)\.(\d+)/.exec(s)
      const want = m && m.slice(1).every(p => p.length <= 9) ? {text: m[0], parts: m.slice(1).map(Number)} : undefined
      if (m && !want) return
      expect(efsUtilsVersion({...healthyFacts(), packages: {'amazon-efs-utils': s}, efsUtilsVersion: undefined})).toEqual(want)
    }))
  })

  it('selectForCluster reads the host of a mount source as /:.*$/ cut it', () => {
    fc.assert(fc.property(fc.constantFrom('', '\n', '\r', '\u2028'), fc.constantFrom('', ':/', ':/x:y'), (lead, tail) => {
      const mounted = selectForCluster(hostSource(`${lead}${IDS.fs}${tail}`), spec).mounted.length
      expect(mounted).toBe(`${lead}${IDS.fs}${tail}`.replace(/:.*$/, '') === IDS.fs ? 1 : 0)
    }))
  })
})
