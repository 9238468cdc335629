/**
 * A host whose UserData mounts nothing, in a template where another host mounts the file system, is no client of it
 * (widdix/aws-cf-templates jenkins2-ha-agents: the master mounts its home from EFS; the agents, which run untrusted
 * jobs, mount nothing and must not be told to open NFS to it). Real template, cited in the corpus README.
 */
import {lintTemplateFile} from '../../src/lint/index.js'

const FILE = 'test/fixtures/userdata-corpus/widdix-jenkins2-ha-agents-master-only-efs.yaml'

describe('lint: hosts that mount nothing', () => {
  it('judges the master (which mounts MasterStorage) and neither fails nor asks NFS for the agents', async () => {
    const {report} = await lintTemplateFile(FILE, {})
    const about = (host: string) => report.findings.filter(f => JSON.stringify([f.resource, f.message, f.evidence ?? {}]).includes(host))
    const agent = about('AgentLaunchTemplate').filter(f => ['network/mount-target-sg-allows-nfs', 'network/client-sg-egress-nfs', 'userdata/mounts-efs'].includes(f.checkId))
    expect(agent.map(f => [f.checkId, f.status])).toEqual([['userdata/mounts-efs', 'skipped']])
    const master = report.findings.filter(f => f.checkId === 'network/mount-target-sg-allows-nfs')
    expect(master.map(f => f.status)).toEqual(['pass'])
    expect(master[0].message).toMatch(/from the hosts of MasterLaunchTemplate via MasterSG/)
    expect(report.findings.find(f => f.checkId === 'userdata/mounts-efs' && f.resource.id === 'MasterLaunchTemplate')?.status).toBe('pass')
  })
})
