/** `--output html`: one self-contained page with the drawing, escaped hostile text, and a size bound at 1,000 instances. */
import {createHash} from 'node:crypto'
import {mkdtempSync, readdirSync, readFileSync, statSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {allChecks} from '../../src/checks/index.js'
import Check from '../../src/commands/check.js'
import Lint from '../../src/commands/lint.js'
import {runChecks} from '../../src/core/run-checks.js'
import type {Snapshot} from '../../src/model/snapshot.js'
import {htmlRenderer} from '../../src/report/html.js'
import {bigCluster} from '../support/big-cluster.js'
import {runCommand} from '../support/run-command.js'
import {IDS, withFault} from '../support/snapshot-builder.js'

const dir = mkdtempSync(join(tmpdir(), 'efsd-html-'))
const render = (s: Snapshot) => htmlRenderer.render(runChecks(allChecks, s), {catalogue: allChecks, color: false, verbose: false, snapshot: s})

/** Every hostile shape at once: markup, quotes, an ANSI colour escape, right-to-left and zero-width marks. */
export const HOSTILE = '<script>alert("x")</script>\'"\u001b[31mred\u001b[0m\u202egnp.exe\u200f'

describe('html report', () => {
  it('check --from broken-sg-cidr --output html --output-file: exit 1, the red edge carries its check id', async () => {
    const file = join(dir, 'r.html')
    const {code, stdout} = await runCommand(Check, ['--from', 'examples/snapshots/broken-sg-cidr.json', '--output', 'html', '--output-file', file])
    expect(code).toBe(1)
    expect(stdout).toBe('')
    const html = readFileSync(file, 'utf8')
    const red = [...html.matchAll(/<g class="edge s-fail"[^>]*data-check="([^"]*)"[^>]*>(.*?)<\/g>/g)]
    expect(red).toHaveLength(2)
    for (const [, check, inner] of red) {
      expect(check).toBe('network/mount-target-sg-allows-nfs')
      expect(inner).toContain('>network/mount-target-sg-allows-nfs</tspan>')
    }
  })

  it('names who uses each file system in scope, as the table does, or says it is only a candidate', async () => {
    const html = await render(withFault(() => {}))
    expect(html).toContain(`<li>File system <code>${IDS.fs}</code> used by: launch template ${IDS.launchTemplate} v7 (UserData line 6), task definition prod-web:42`)
    const candidate = await render(withFault(s => { s.scope.fileSystems = [{id: IDS.fs, reasons: ['has mount targets in vpc-1'], candidate: true}] }))
    expect(candidate).toContain(`<li>File system <code>${IDS.fs}</code> (candidate: may not be used by this cluster): has mount targets in vpc-1</li>`)
  })

  it('lint --output html draws the template (hosts per subnet, the red SG link)', async () => {
    const file = join(dir, 'lint.html')
    const {code} = await runCommand(Lint, ['examples/templates/broken-sg-no-2049.yaml', '--output', 'html', '--output-file', file])
    expect(code).toBe(1)
    const html = readFileSync(file, 'utf8')
    expect(html).toContain('hosts from LaunchTemplate')
    expect(html.match(/<g class="edge s-fail"/g)).toHaveLength(2)
  })

  it('loads nothing: no URL attribute, one inline script and style allowed by hash in a CSP that forbids everything else', async () => {
    const html = await render(withFault(() => undefined))
    expect(html).not.toMatch(/\s(src|href|xlink:href|action|srcset)=/i)
    expect(html).not.toMatch(/@import|url\((?!#)/)
    expect(html.match(/<script/g)).toHaveLength(1)
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)![1]
    expect(csp).toContain("default-src 'none'")
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)![1]
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]
    const hash = (t: string) => `'sha256-${createHash('sha256').update(t).digest('base64')}'`
    expect(csp).toContain(`script-src ${hash(script)}`)
    expect(csp).toContain(`style-src ${hash(style)}`)
  })

  it('escapes hostile names and messages: markup, quotes, ANSI escapes and bidi marks never reach the page raw', async () => {
    const s = withFault(x => {
      x.securityGroups![IDS.efsSg].name = HOSTILE
      x.securityGroups![IDS.hostSg].name = HOSTILE
      x.fileSystems![0].name = HOSTILE
      x.scope.notes = [HOSTILE]
      x.securityGroups![IDS.efsSg].ingress = []
    })
    const html = await render(s)
    expect(html.match(/<script/g)).toHaveLength(1)
    expect(html).not.toContain('alert("x")')
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39;&quot;\\u001B[31mred\\u001B[0m\\u202Egnp.exe\\u200F')
    expect(html).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2066-\u2069]/)
  })

  it('1,000 instances in 6 AZs: at most 2 MB, grouped boxes', async () => {
    const html = await render(bigCluster(1000, 6))
    expect(Buffer.byteLength(html)).toBeLessThanOrEqual(2 * 1024 * 1024)
    expect(html.match(/<g class="node k-hosts/g)).toHaveLength(6)
    expect(html).toMatch(/16[67] instances in subnet-0/)
  })

  it('is imported only for --output html: nothing else in src imports html.js or elkjs', () => {
    const files = (d: string): string[] => readdirSync(d).flatMap(n => (statSync(join(d, n)).isDirectory() ? files(join(d, n)) : [join(d, n)]))
    const importers = files('src').filter(f => f.endsWith('.ts') && f !== join('src', 'report', 'html.ts'))
      .filter(f => /^import[^(]*from\s+['"](\.\/html\.js|elkjs[^'"]*)['"]/m.test(readFileSync(f, 'utf8')))
    expect(importers).toEqual([])
    expect(readFileSync('src/report/index.ts', 'utf8')).toContain("await import('./html.js')")
  })
})
