/**
 * UserData is readable by anyone with ec2:DescribeInstanceAttribute or launch-template read access, and from inside
 * the instance via IMDS (any process, any container with host networking). Access keys, passwords and tokens in it
 * leak. efsdoctor redacts them in every output; this check names the line and kind, never the value. In a template, a
 * NoEcho parameter substituted into UserData is a secret in plain text there too (lint knows which parameters are NoEcho).
 */
import {defineCheck, fail, pass} from '../../core/define-check.js'
import {findSecrets} from '../../core/redact.js'
import {decodedParts, decodeUserData} from '../../core/user-data-layers.js'
import {at, eachUserData, udResource} from '../_lib/user-data-check.js'

const KIND_TEXT: Record<string, string> = {
  'aws-access-key-id': 'an AWS access key id',
  'aws-secret-access-key': 'an AWS secret access key',
  'password': 'a password',
  'token': 'a token or API key',
  'github-token': 'a GitHub token',
  'slack-token': 'a Slack token',
  'bearer-token': 'an Authorization header credential',
  'private-key': 'a private key',
  'url-credentials': 'a URL with embedded credentials',
  'undecodable': 'an encoding that does not decode, so its content cannot be checked',
}

/** Lines where a NoEcho parameter is substituted (`${Name}` after Fn::Sub / Ref), first use of each parameter. */
function noEchoUses(names: readonly string[], text: string): {name: string; line: number}[] {
  if (names.length === 0) return []
  const lines = text.split('\n')
  return names.flatMap(name => {
    const i = lines.findIndex(l => l.includes(`\${${name}}`))
    return i < 0 ? [] : [{name, line: i + 1}]
  })
}

/** Secrets inside encoded MIME parts (base64, quoted-printable, gzip), which the outer text does not show. */
interface Hit {line: number; kind: string; part?: {part: number; encoding: string; startLine: number}}

function encodedPartHits(text: string): Hit[] {
  const {parts, error} = decodedParts(decodeUserData(text).text)
  const hits = parts.filter(p => p.encoding !== '7bit' && p.encoding !== '8bit')
    .flatMap(p => findSecrets(p.text).map(h => ({...h, part: {part: p.part, encoding: p.encoding, startLine: p.startLine}})))
  const broken = error ? /^part (\d+)/.exec(error) : null
  return broken ? [...hits, {line: 1, kind: 'undecodable', part: {part: Number(broken[1]), encoding: 'undecodable', startLine: 1}}] : hits
}

export const secrets = defineCheck({
  id: 'userdata/secrets',
  title: 'UserData holds no credentials or tokens',
  severity: 'warning',
  description: 'UserData is readable through the EC2 API and IMDS; credentials in it leak to anyone who can describe the instance or reach IMDS.',
  remediation: 'Use the instance role for AWS access and fetch other secrets at boot from Secrets Manager or SSM Parameter Store; rotate the exposed values.',
  docsUrl: 'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/user-data.html',
  needs: ['userData'],
  run: s => eachUserData(s, (ud) => {
    const hits: Hit[] = [...findSecrets(ud.text), ...encodedPartHits(ud.text)]
    const r = udResource(ud)
    const noEcho = noEchoUses(s.template?.noEchoParameters ?? [], ud.text)
    if (hits.length === 0 && noEcho.length === 0) return [pass(r, `No credentials or tokens found in UserData ${ud.id}.`, at(ud, undefined))]
    return [...hits.map(h => fail(r, `Line ${h.line} of ${h.part ? `MIME part ${h.part.part} (${h.part.encoding}) of ` : ''}UserData ${ud.id} contains ${KIND_TEXT[h.kind] ?? h.kind} (value redacted).`,
      {summary: 'Remove it from UserData: use the instance role, or read it at boot from Secrets Manager / SSM Parameter Store (aws secretsmanager get-secret-value …); then rotate it.'},
      {...at(ud, h.part ? h.part.startLine : h.line, {kind: h.kind, ...(h.part ? {part: h.part.part} : {})}), key: {kind: h.kind, ...(h.part ? {part: String(h.part.part)} : {})}})),
    ...noEcho.map(u => fail(r, `Line ${u.line} of UserData ${ud.id} substitutes \${${u.name}}, a NoEcho parameter: NoEcho only masks it in CloudFormation's console and API, the value lands in plain text in the ${ud.source.type === 'template' ? 'launch template or instance' : 'instance'} UserData, readable through the EC2 API and instance metadata.`,
      {summary: `Pass a secret name instead (e.g. a Secrets Manager secret or SSM SecureString parameter) and read the value at boot with the instance role; then rotate ${u.name}.`},
      {...at(ud, u.line, {kind: 'noecho-parameter', parameter: u.name}), key: {kind: 'noecho-parameter', parameter: u.name}}))]
  }),
})
