import {Resolver} from '../../src/lint/intrinsics.js'

const resolver = (region?: string, knownNames: Record<string, string> = {}) => new Resolver({
  resourceTypes: {FileSystem: 'AWS::EFS::FileSystem', Sg: 'AWS::EC2::SecurityGroup', Cluster: 'AWS::ECS::Cluster'},
  parameters: new Set(['Env']), region, knownNames,
})

describe('Resolver', () => {
  it('Fn::Sub: ${!VAR} becomes a literal ${VAR}; resources and parameters stay placeholders', () => {
    const r = resolver()
    expect(r.str({'Fn::Sub': 'mount ${FileSystem}.efs.${AWS::Region}.amazonaws.com:/ ${!DIR} # ${Env}'}))
      .toBe('mount ${FileSystem}.efs.${AWS::Region}.amazonaws.com:/ ${DIR} # ${Env}')
  })

  it('fills ${AWS::Region} only when a region is given, and a known cluster name', () => {
    const r = resolver('eu-west-1', {Cluster: 'prod'})
    expect(r.str({'Fn::Sub': 'ECS_CLUSTER=${Cluster} ${FileSystem}.efs.${AWS::Region}.${AWS::URLSuffix}'}))
      .toBe('ECS_CLUSTER=prod ${FileSystem}.efs.eu-west-1.amazonaws.com')
  })

  it('Fn::Sub sequence form uses its variable map; a Ref there stays a placeholder of its target', () => {
    const r = resolver()
    expect(r.str({'Fn::Sub': ['${Fs}:/ ${Dir} ${!X}', {Fs: {Ref: 'FileSystem'}, Dir: '/mnt/efs'}]})).toBe('${FileSystem}:/ /mnt/efs ${X}')
  })

  it('Fn::Base64 of Fn::Join of lines, with Refs inside', () => {
    const r = resolver()
    const v = {'Fn::Base64': {'Fn::Join': ['', ['#!/bin/bash\n', 'echo ', {Ref: 'FileSystem'}, ' ', {Ref: 'Env'}, '\n']]}}
    expect(r.str(v)).toBe('#!/bin/bash\necho ${FileSystem} ${Env}\n')
  })

  it('Ref and GetAtt GroupId give logical ids; unknown values stay placeholders', () => {
    const r = resolver()
    expect(r.str({Ref: 'Sg'})).toBe('Sg')
    expect(r.str({'Fn::GetAtt': ['Sg', 'GroupId']})).toBe('Sg')
    expect(r.str({Ref: 'Env'})).toBe('${Env}')
    expect(r.str({'Fn::GetAtt': ['Lb', 'DNSName']})).toBe('${Lb.DNSName}')
    expect(r.str({'Fn::Select': [0, {'Fn::GetAZs': ''}]})).toBe('${Select:0:GetAZs}')
    // NOTE: two elements of one list parameter are two values, not one `${Select}`.
    expect(r.str({'Fn::Select': [0, {Ref: 'Subnets'}]})).toBe('${Select:0:Subnets}')
    expect(r.str({'Fn::Select': [1, {Ref: 'Subnets'}]})).toBe('${Select:1:Subnets}')
    expect(r.str({'Fn::If': ['OneSubnet', 'subnet-a', {Ref: 'AWS::NoValue'}]})).toBe('${If:OneSubnet}')
    expect(r.str({'Fn::ImportValue': 'vpc'})).toBe('${ImportValue:vpc}')
    expect(r.list({Ref: 'Env'})).toBeUndefined()
    expect(r.list({'Fn::Split': [',', 'a,b']})).toEqual(['a', 'b'])
  })
})
