/**
 * Issue 10: one template holding many independent stacks. Each launch template is paired with the file system its
 * UserData mounts (Ref resolved), never with every file system in the template.
 */
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {lintTemplateFile} from '../../src/lint/index.js'
import {manyStacks} from '../support/many-stacks.js'

const dir = mkdtempSync(join(tmpdir(), 'efsd-stacks-'))
const write = (n: number): string => {
  const f = join(dir, `stacks-${n}.yaml`)
  writeFileSync(f, manyStacks(n))
  return f
}

describe('lint of a template with many independent stacks', () => {
  it('lints 60 copies of ecs-efs-stack.yaml with 0 failures, pairing each host with its own file system', async () => {
    const {report} = await lintTemplateFile(write(60))
    expect(report.findings.filter(f => f.status === 'fail')).toEqual([])
    const sg = report.findings.filter(f => f.checkId === 'network/mount-target-sg-allows-nfs' && f.status === 'pass')
    // One pass per stack whose host is paired (never 60 × 60), each about its own stack's mount targets.
    expect(sg.length).toBeGreaterThanOrEqual(59)
    expect(sg.length).toBeLessThanOrEqual(60)
    for (const f of sg) {
      const host = String(f.evidence?.host)
      const n = host.replace(/^LaunchTemplate/, '')
      expect(f.evidence?.mountTargets).toEqual([`MountTargetA${n}`, `MountTargetB${n}`])
    }
  }, 120_000)

  it('says unknown, listing the candidates, for a host whose file system cannot be told among several', async () => {
    const text = manyStacks(2).replace('echo "${FileSystem2}.efs.', 'echo "${!EFS_ID}.efs.')
    const f = join(dir, 'ambiguous.yaml')
    writeFileSync(f, text)
    const {report} = await lintTemplateFile(f)
    const u = report.findings.find(x => x.checkId === 'network/mount-target-sg-allows-nfs' && x.resource.id === 'LaunchTemplate2')
    expect(u).toMatchObject({status: 'unknown'})
    expect(u!.message).toContain('candidates: FileSystem1, FileSystem2')
    expect(report.findings.filter(x => x.status === 'fail')).toEqual([])
  }, 60_000)
})
