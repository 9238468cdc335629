import {vpcDns} from '../../../src/checks/network/vpc-dns.js'
import {runChecks} from '../../../src/core/run-checks.js'
import type {Snapshot} from '../../../src/model/snapshot.js'
import {denied, healthy, IDS, withFault} from '../../support/snapshot-builder.js'

const run = (s: Snapshot) => runChecks([vpcDns], s).findings

describe('network/vpc-dns', () => {
  it('passes the healthy VPC and names why DNS matters', () => {
    const [f] = run(healthy())
    expect(f.status).toBe('pass')
    expect(f.resource.id).toBe(IDS.vpc)
    expect(f.message).toContain('prod-worker:17')
  })

  it('fails when DNS hostnames are off, with the modify-vpc-attribute command', () => {
    const [f] = run(withFault(x => { x.vpcs![IDS.vpc].enableDnsHostnames = false }))
    expect(f.status).toBe('fail')
    expect(f.fix?.command).toBe(`aws ec2 modify-vpc-attribute --vpc-id ${IDS.vpc} --enable-dns-hostnames '{"Value":true}' --region eu-west-1`)
  })

  it('fails both attributes in one finding', () => {
    const [f] = run(withFault(x => { x.vpcs![IDS.vpc].enableDnsHostnames = false; x.vpcs![IDS.vpc].enableDnsSupport = false }))
    expect(f.fix?.command).toContain('--enable-dns-support')
    expect(f.fix?.command).toContain('--enable-dns-hostnames')
  })

  it('warns about a custom resolver that must forward the EFS domain', () => {
    const [f] = run(withFault(x => { x.vpcs![IDS.vpc].domainNameServers = ['10.20.0.53'] }))
    expect(f.status).toBe('fail')
    expect(f.severity).toBe('warning')
    expect(f.message).toContain('efs.eu-west-1.amazonaws.com')
  })

  it('does not pass on "IP only" UserData mounts when the task definitions were not read', () => {
    const s = withFault(x => {
      x.vpcs![IDS.vpc].enableDnsSupport = false
      delete x.taskDefinitions
      x.gaps.push({part: 'taskDefinitions', action: 'ecs:DescribeTaskDefinition', code: 'AccessDeniedException', message: 'denied'})
      x.userData![0].text = '#!/bin/bash\nmount -t nfs4 -o noresvport 10.20.1.25:/ /mnt/efs\n'
    })
    const [f] = run(s)
    expect(f.status).toBe('fail')
    expect(f.message).toContain('enableDnsSupport=false')
  })

  it('passes with a note when clients mount only by IP', () => {
    const s = withFault(x => {
      x.vpcs![IDS.vpc].enableDnsSupport = false
      x.taskDefinitions = []
      x.userData![0].text = '#!/bin/bash\nmount -t nfs4 -o noresvport 10.20.1.25:/ /mnt/efs\n'
    })
    const [f] = run(s)
    expect(f.status).toBe('pass')
    expect(f.message).toMatch(/by mount-target IP only/)
  })

  it('is unknown when enableDnsSupport could not be read', () => {
    const [f] = run(withFault(x => { delete x.vpcs![IDS.vpc].enableDnsSupport }))
    expect(f.status).toBe('unknown')
    expect(f.message).toContain('ec2:DescribeVpcAttribute')
  })

  it('is unknown as a whole when ec2:DescribeVpcs was denied', () => {
    const f = run(denied(healthy(), 'vpcs', 'ec2:DescribeVpcs'))
    expect(f.map(x => x.status)).toEqual(['unknown'])
  })
})
