import {analysePolicy, refusalReasons} from '../../../src/checks/_lib/fs-policy.js'

const policy = (...Statement: unknown[]) => JSON.stringify({Version: '2012-10-17', Statement})
const denyInsecure = {Effect: 'Deny', Principal: {AWS: '*'}, Action: '*', Condition: {Bool: {'aws:SecureTransport': 'false'}}}
const allowAnon = {Effect: 'Allow', Principal: {AWS: '*'}, Action: ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'], Condition: {Bool: {'elasticfilesystem:AccessedViaMountTarget': 'true'}}}
// The CDK default: write/root for anyone, but no ClientMount.
const cdkDefault = {Effect: 'Allow', Principal: {AWS: '*'}, Action: ['elasticfilesystem:ClientRootAccess', 'elasticfilesystem:ClientWrite'], Condition: {Bool: {'elasticfilesystem:AccessedViaMountTarget': 'true'}}}
const allowRole = {Effect: 'Allow', Principal: {AWS: 'arn:aws:iam::123456789012:role/app'}, Action: 'elasticfilesystem:Client*'}

describe('analysePolicy', () => {
  it('detects a Deny on non-TLS traffic', () => {
    expect(analysePolicy(policy(denyInsecure, allowAnon))).toEqual({requiresTls: true, anonymousCanMount: true, anonymousNeedsTls: false})
  })
  it('sees that the CDK default and role-only policies grant no anonymous ClientMount', () => {
    expect(analysePolicy(policy(cdkDefault)).anonymousCanMount).toBe(false)
    expect(analysePolicy(policy(allowRole)).anonymousCanMount).toBe(false)
  })
  it('does not count an Allow to * with an unmodelled condition as anonymous', () => {
    const st = {...allowAnon, Condition: {StringEquals: {'aws:PrincipalAccount': '123456789012'}}}
    expect(analysePolicy(policy(st)).anonymousCanMount).toBe(false)
  })
  it('marks an anonymous grant conditioned on SecureTransport=true as needing TLS', () => {
    const st = {...allowAnon, Condition: {Bool: {'aws:SecureTransport': 'true'}}}
    expect(analysePolicy(policy(st))).toMatchObject({anonymousCanMount: true, anonymousNeedsTls: true, requiresTls: false})
  })
  it('throws on a document without statements', () => {
    expect(() => analysePolicy('{}')).toThrow()
    expect(() => analysePolicy('not json')).toThrow()
  })
})

describe('refusalReasons', () => {
  const strict = analysePolicy(policy(denyInsecure, cdkDefault))
  it('refuses plain NFS for both reasons and accepts tls+iam', () => {
    expect(refusalReasons(strict, {tls: false, iam: false})).toHaveLength(2)
    expect(refusalReasons(strict, {tls: true, iam: false})).toEqual([expect.stringMatching(/anonymously/)])
    expect(refusalReasons(strict, {tls: true, iam: true})).toEqual([])
  })
  it('lets anonymous TLS clients in when * is allowed', () => {
    expect(refusalReasons(analysePolicy(policy(denyInsecure, allowAnon)), {tls: true, iam: false})).toEqual([])
  })
})
