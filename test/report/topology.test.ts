/** The graph behind the HTML drawing and the Mermaid flowchart: which links fail, with which check, and grouping. */
import {readFileSync} from 'node:fs'
import {allChecks} from '../../src/checks/index.js'
import {runChecks} from '../../src/core/run-checks.js'
import {lintTemplate} from '../../src/lint/index.js'
import type {Snapshot} from '../../src/model/snapshot.js'
import {mermaidFlowchart, mermaidText} from '../../src/report/mermaid.js'
import {buildTopology, GROUP_ABOVE} from '../../src/report/topology.js'
import {bigCluster} from '../support/big-cluster.js'
import {healthy, IDS} from '../support/snapshot-builder.js'

const example = (name: string) => JSON.parse(readFileSync(`examples/snapshots/${name}.json`, 'utf8')) as Snapshot
const topologyOf = (s: Snapshot) => buildTopology(runChecks(allChecks, s), s)

describe('topology', () => {
  it('broken-sg-cidr: the mount-target SG → mount target link fails in the two AZs the SG does not admit, labelled with the check', () => {
    const t = topologyOf(example('broken-sg-cidr'))
    const red = t.edges.filter(e => e.status === 'fail')
    expect(red.map(e => e.to).sort()).toEqual([`mt:${IDS.mountTargets.b}`, `mt:${IDS.mountTargets.c}`])
    for (const e of red) expect(e.failing).toEqual(['network/mount-target-sg-allows-nfs'])
    expect(t.edges.find(e => e.to === `mt:${IDS.mountTargets.a}` && e.from.startsWith('mtsg:'))?.status).toBe('pass')
    expect(t.columns.map(c => c.label)).toEqual(['euw1-az1 · eu-west-1b', 'euw1-az2 · eu-west-1c', 'euw1-az3 · eu-west-1a'])
  })

  it('healthy: nothing red, every host reaches the file system through its own AZ', () => {
    const t = topologyOf(healthy())
    expect(t.edges.filter(e => e.status === 'fail')).toEqual([])
    const hosts = t.nodes.filter(n => n.kind === 'hosts')
    expect(hosts).toHaveLength(IDS.instances.length)
    for (const h of hosts) {
      const subnet = t.edges.find(e => e.from === h.id)!.to
      const mtsg = t.edges.find(e => e.from === subnet)!.to
      expect(t.nodes.find(n => n.id === mtsg)!.column).toBe(h.column)
    }
  })

  it('broken-no-mount-target: the AZ without a mount target links its subnet straight to the file system, red with efs/mount-target-per-az', () => {
    const t = topologyOf(example('broken-no-mount-target'))
    const red = t.edges.filter(e => e.status === 'fail')
    expect(red).toHaveLength(1)
    expect(red[0].from).toMatch(/^subnet:subnet-0cc3330000000000c/)
    expect(red[0].to).toBe(`fs:${IDS.fs}`)
    expect(red[0].failing).toEqual(['efs/mount-target-per-az'])
  })

  it('a check that could not look (denied NACLs) makes its links unknown, not pass', () => {
    const t = topologyOf(example('denied-nacls'))
    const nacl = t.edges.filter(e => e.from.startsWith('subnet:') && e.to.startsWith('mtsg:'))
    expect(nacl.length).toBeGreaterThan(0)
    for (const e of nacl) expect(e.status).toBe('unknown')
  })

  it('a link no finding judged is "none", never pass', () => {
    const s = healthy()
    const report = runChecks(allChecks, s)
    report.findings = report.findings.filter(f => f.checkId !== 'network/nacl-allows-nfs')
    const nacl = buildTopology(report, s).edges.filter(e => e.from.startsWith('subnet:') && e.to.startsWith('mtsg:'))
    expect(nacl.length).toBe(3)
    for (const e of nacl) expect(e.status).toBe('none')
  })

  it('lint: template hosts per ASG subnet; the template SG without 2049 is red', () => {
    const {report, snapshot} = lintTemplate('examples/templates/broken-sg-no-2049.yaml')
    const t = buildTopology(report, snapshot)
    expect(t.nodes.filter(n => n.kind === 'hosts').map(n => n.lines[0])).toEqual(['hosts from LaunchTemplate', 'hosts from LaunchTemplate'])
    const red = t.edges.filter(e => e.status === 'fail')
    expect(red.map(e => e.to).sort()).toEqual(['mt:MountTargetA', 'mt:MountTargetB'])
    expect(t.columns.map(c => c.label)).toEqual(['AZ of SubnetA (chosen at deploy)', 'AZ of SubnetB (chosen at deploy)'])
  })

  it('1,000 instances over 6 AZs: one box per subnet group, 6 columns, failing AZs red', () => {
    const t = topologyOf(bigCluster(1000, 6))
    expect(t.columns).toHaveLength(6)
    const hosts = t.nodes.filter(n => n.kind === 'hosts')
    expect(hosts).toHaveLength(6)
    expect(hosts.map(h => h.lines[0]).sort()[0]).toMatch(/^16[67] instances in subnet-0/)
    expect(t.aggregated).toBe(6)
    expect(t.nodes.length).toBeLessThan(40)
    expect(t.edges.filter(e => e.status === 'fail')).toHaveLength(5)
  })

  it(`groups of ${GROUP_ABOVE} or fewer instances are drawn one by one`, () => {
    const t = topologyOf(bigCluster(GROUP_ABOVE * 2, 2))
    expect(t.nodes.filter(n => n.kind === 'hosts').every(n => /^i-0/.test(n.lines[0]))).toBe(true)
  })
})

describe('mermaid flowchart', () => {
  const t = topologyOf(example('broken-sg-cidr'))
  const chart = mermaidFlowchart(t)

  it('is one fenced flowchart with a subgraph per AZ and the failing check on each red link', () => {
    expect(chart.startsWith('```mermaid\nflowchart TB\n')).toBe(true)
    expect(chart.endsWith('\n```')).toBe(true)
    expect(chart.match(/^ {2}subgraph az\d+\[/gm)).toHaveLength(3)
    const red = chart.split('\n').filter(l => l.includes('==>'))
    expect(red).toHaveLength(2)
    for (const l of red) expect(l).toMatch(/^ {2}n\d+ ==>\|"network\/mount-target-sg-allows-nfs"\| n\d+$/)
    const fails = t.edges.map((e, i) => (e.status === 'fail' ? i : -1)).filter(i => i >= 0)
    expect(chart).toContain(`linkStyle ${fails.join(',')} stroke:#cf222e`)
  })

  it('labels cannot break out of their quotes, the fence or into HTML', () => {
    const text = ['sg"]\n```', '<script>alert(1)</script>', '| #x \u001b[31m \u202e'].map(mermaidText).join(' ')
    expect(text).not.toMatch(/["<>`|\n\u001b\u202e]/)
    expect(text).toContain('#quot;')
    expect(text).toContain('#lt;script#gt;')
    expect(text).toContain('\\u001B[31m')
    expect(text).toContain('\\u202E')
  })
})

describe('markdown report', () => {
  it('embeds the flowchart under the count line when it has the snapshot, and not without it', async () => {
    const {markdownRenderer} = await import('../../src/report/markdown.js')
    const s = example('broken-sg-cidr')
    const report = runChecks(allChecks, s)
    const ctx = {catalogue: allChecks, color: false, verbose: false}
    const md = markdownRenderer.render(report, {...ctx, snapshot: s})
    expect(md.indexOf('```mermaid')).toBeGreaterThan(md.indexOf('**4 failed**'))
    expect(md.indexOf('```mermaid')).toBeLessThan(md.indexOf('### Failures'))
    expect(markdownRenderer.render(report, ctx)).not.toContain('```mermaid')
  })
})
