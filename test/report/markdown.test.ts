import {cell, code, markdownRenderer} from '../../src/report/markdown.js'
import {ctx, findings, report} from '../support/report-fixtures.js'

const md = markdownRenderer.render(report(), ctx)
const tableRows = (text: string) => text.split('\n').filter(l => l.startsWith('| ') && !l.startsWith('| Severity') && !l.startsWith('| ---'))
/** Splits a table row on unescaped pipes. */
const columns = (row: string) => row.slice(2, -2).split(/(?<!\\)\|/)

describe('markdown renderer', () => {
  it('starts with a heading naming the scope and a summary line of counts', () => {
    const [heading, , summary] = md.split('\n')
    expect(heading).toBe('## efsdoctor: cluster prod (eu-west-1, account 111122223333)')
    expect(summary).toBe('❌ **2 failed** · 1 unknown · 1 passed · 1 skipped · 1 ignored')
  })

  it('has one table row per unignored failure, errors first, with 5 columns (the last names its fix) even when text holds | and newlines', () => {
    const rows = tableRows(md)
    expect(rows).toHaveLength(2)
    expect(rows[0]).toContain('efs/mount-target-available')
    expect(rows[1]).toContain('userdata/fstab-netdev')
    for (const r of rows) expect(columns(r)).toHaveLength(5)
    expect(rows[0]).toContain('&amp; &lt;gone&gt; \\| soon')
    expect(md).not.toContain('Replication destination is read-only |')
  })

  it('gives each fix a details block with its command in a code block', () => {
    expect(md).toContain('<summary>Fix 1 · efs/mount-target-available — fsmt-0bb2220000000000b</summary>')
    expect(md).toMatch(/\| fsmt-0bb2220000000000b \| .* \| Fix 1 \|/)
    expect(md).toContain('```sh\naws efs create-mount-target --file-system-id fs-0a1b2c3d4e5f60718 \\\n  --subnet-id subnet-0bb2220000000000b\n```')
    expect(md.match(/<details>/g)).toHaveLength(2)
    expect(md.match(/<\/details>/g)).toHaveLength(2)
  })

  it('lists unknowns and ignored findings with their reasons', () => {
    expect(md).toContain('### Could not evaluate (1)')
    expect(md).toContain('- `network/mount-target-sg-allows-nfs` — sg-0fedcba9876543210: Could not evaluate: ec2:DescribeSecurityGroups failed (AccessDenied)')
    expect(md).toContain('### Ignored (1)')
    expect(md).toContain('DR copy, read-only on purpose')
  })

  it('says so when nothing failed', () => {
    const ok = markdownRenderer.render(report([findings[0]]), ctx)
    expect(ok).toContain('✅ **0 failed**')
    expect(ok).toContain('No failures')
    expect(ok).not.toContain('### Failures')
  })

  it('names a template scope', () => {
    const out = markdownRenderer.render(report([findings[5]], {source: 'template', template: 'stack.yml'}), ctx)
    expect(out.split('\n')[0]).toBe('## efsdoctor: template stack.yml')
    expect(out).toContain('LaunchTemplate (examples/templates/broken stack.yml:42)')
  })

  it('escapes cells and builds code spans that survive backticks', () => {
    expect(cell('a|b\nc<d>')).toBe('a\\|b<br>c&lt;d&gt;')
    expect(code('x')).toBe('`x`')
    expect(code('a `b` c')).toBe('``a `b` c``')
    expect(code('`edge')).toBe('`` `edge ``')
  })

  it('uses a longer fence when a command itself contains ```', () => {
    const f = {...findings[1], fix: {summary: 's', command: 'echo ```'}}
    expect(markdownRenderer.render(report([f]), ctx)).toContain('````sh\necho ```\n````')
  })
})

describe('markdown fixes shared by several findings', () => {
  it('prints a shared fix once and points every row at it', () => {
    const failing = findings.find(f => f.status === 'fail' && f.checkId === 'efs/mount-target-available')!
    const a = {...failing, resource: {...failing.resource, id: 'fsmt-a'}}
    const b = {...failing, resource: {...failing.resource, id: 'fsmt-b'}}
    const out = markdownRenderer.render({...report(), findings: [a, b]}, ctx)
    expect(out.match(/<details>/g)).toHaveLength(1)
    expect(out).toContain('Fix 1 · efs/mount-target-available — 2 findings: fsmt-a, fsmt-b')
    expect(out.match(/\| Fix 1 \(shared by 2\) \|/g)).toHaveLength(2)
  })
})
