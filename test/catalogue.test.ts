/** Invariants over the whole catalogue, so a new check cannot forget its metadata, its test or its docs. */
import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {allChecks} from '../src/checks/index.js'
import {renderChecksMarkdown} from '../src/core/catalogue-docs.js'
import {TEMPLATE_PARTS} from '../src/model/snapshot.js'
import {templateSnapshot} from '../src/lint/index.js'
import {runChecks} from '../src/core/run-checks.js'
import {SNAPSHOT_PARTS} from '../src/model/snapshot.js'

describe('check catalogue', () => {
  it('has checks, with unique ids', () => {
    expect(allChecks.length).toBeGreaterThanOrEqual(9)
    expect(new Set(allChecks.map(c => c.id)).size).toBe(allChecks.length)
  })

  it('the userdata checks whose severity is a policy state it with its source (issue 9 item 7)', () => {
    for (const id of ['userdata/fstab-netdev', 'userdata/client-installed-before-mount', 'userdata/mount-before-docker', 'userdata/script-runs']) {
      const c = allChecks.find(x => x.id === id)!
      expect(c.policy!.length).toBeGreaterThan(0)
      for (const p of c.policy!) expect(p.source).toMatch(/https:\/\/|canonical\/cloud-init|aws\/amazon-ecs-ami/)
    }
  })

  it.each(allChecks.map(c => [c.id, c] as const))('%s: id matches its file, metadata complete, has a test', (id, c) => {
    expect(id).toMatch(/^(efs|network|ecs|userdata|host)\/[a-z0-9]+(-[a-z0-9]+)*$/)
    expect(existsSync(`src/checks/${id}.ts`)).toBe(true)
    expect(existsSync(`test/checks/${id}.test.ts`)).toBe(true)
    expect(c.title.length).toBeGreaterThan(10)
    expect(c.description.length).toBeGreaterThan(20)
    expect(c.remediation.length).toBeGreaterThan(10)
    expect(c.docsUrl).toMatch(/^https:\/\//)
    expect(['error', 'warning', 'info']).toContain(c.severity)
    for (const part of c.needs) expect(SNAPSHOT_PARTS).toContain(part)
  })

  it('every fail on the example snapshots carries a fix', () => {
    const files = readdirSync('examples/snapshots').filter(f => f.endsWith('.json'))
    expect(files.length).toBeGreaterThanOrEqual(5)
    for (const file of files) {
      const snap = JSON.parse(readFileSync(`examples/snapshots/${file}`, 'utf8'))
      for (const f of runChecks(allChecks, snap).findings.filter(x => x.status === 'fail')) {
        expect(f.fix?.summary).toBeTruthy()
      }
    }
  })

  it('TEMPLATE_PARTS are exactly the parts the full example stack fills', () => {
    const s = templateSnapshot('examples/templates/ecs-efs-stack.yaml', {}) as unknown as Record<string, unknown>
    expect(SNAPSHOT_PARTS.filter(p => s[p] !== undefined).sort()).toEqual([...TEMPLATE_PARTS].sort())
  })

  it('docs/checks.md is up to date (run: npm run docs)', () => {
    expect(readFileSync('docs/checks.md', 'utf8')).toBe(renderChecksMarkdown(allChecks, TEMPLATE_PARTS))
  })
})
