/**
 * Items 3, 6 and 9: hostile templates given to `lint`. YAML aliases are expanded by the yaml library under its
 * alias budget (billion laughs, a recursive alias: one line, exit 2); a key given twice is an error naming the key
 * and its line (JSON and YAML); a 50 MB template is refused by the size cap and one just under it is read within
 * the bounds.
 */
import {mkdtempSync, openSync, ftruncateSync, closeSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import Lint from '../../src/commands/lint.js'
import {MAX_TEMPLATE_BYTES} from '../../src/core/input-file.js'
import {parseTemplate} from '../../src/lint/template.js'
import {expectOneLineExit2, runCommand} from '../support/run-command.js'
import {bounded} from './bounded.js'

const dir = mkdtempSync(join(tmpdir(), 'efsd-abuse-t-'))
function file(name: string, text: string): string {
  const f = join(dir, name)
  writeFileSync(f, text)
  return f
}

const RESOURCES = 'Resources:\n  Fs:\n    Type: AWS::EFS::FileSystem\n'

beforeAll(async () => {
  // NOTE: the first lint run loads oclif, the template reader and every check; a case's time is its own work.
  await runCommand(Lint, ['examples/templates/ecs-efs-stack.yaml', '--json'])
})

describe('item 3: YAML aliases', () => {
  it('billion laughs: one line naming the alias budget, exit 2, bounded time and memory', async () => {
    let text = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    let prev = 'a'
    for (const c of 'bcdefghijklmnopq') {
      text += `${c}: &${c} [${Array(9).fill(`*${prev}`).join(',')}]\n`
      prev = c
    }
    const r = await bounded(() => runCommand(Lint, [file('laughs.yaml', `${text}${RESOURCES}`)]))
    expectOneLineExit2(r, /laughs\.yaml expands YAML aliases too often/)
  })

  it.each([
    ['a sequence', 'Loop: &l [1, *l]\n'],
    ['a mapping', 'Loop: &l\n  Self: *l\n'],
  ])('a recursive alias in %s: one line naming its line, exit 2', async (_kind, loop) => {
    const r = await bounded(() => runCommand(Lint, [file('loop.yaml', `${RESOURCES}${loop}`)]))
    expectOneLineExit2(r, /loop\.yaml line [45]: the YAML alias \*l is inside the node it names/)
  })

  it('an ordinary alias still reads as the data it names, short tags included', () => {
    const t = parseTemplate(`${RESOURCES}    Properties:\n      FileSystemTags: &tags [{Key: a, Value: !Sub "\${AWS::StackName}"}]\n` +
      '  Other:\n    Type: AWS::EFS::FileSystem\n    Properties:\n      FileSystemTags: *tags\n', 'ok.yaml')
    const res = t.body.Resources as Record<string, {Properties: {FileSystemTags: unknown}}>
    expect(res.Other.Properties.FileSystemTags).toEqual([{Key: 'a', Value: {'Fn::Sub': '${AWS::StackName}'}}])
    expect(res.Fs.Properties.FileSystemTags).toEqual(res.Other.Properties.FileSystemTags)
  })
})

describe('item 9: a key given twice', () => {
  it('JSON: an error naming the key and its line, exit 2', async () => {
    const json = [
      '{"Resources": {',
      '  "Lt": {"Type": "AWS::EC2::LaunchTemplate", "Properties": {"LaunchTemplateData": {',
      '    "UserData": {"Fn::Base64": "#!/bin/bash\\nexport AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\\n"},',
      '    "UserData": {"Fn::Base64": "#!/bin/bash\\necho hi\\n"}',
      '  }}}',
      '}}',
    ].join('\n')
    const r = await bounded(() => runCommand(Lint, [file('dup.json', json)]))
    expectOneLineExit2(r, /dup\.json line 4: duplicate key "UserData" in Resources\/Lt\/Properties\/LaunchTemplateData \(first on line 3\)/)
    expect(r.stderr).not.toContain('wJalr')
  })

  it('a real template with a duplicate key (d2si/aws-ecs-jenkins cfn/jenkins.yml): refused, or read last-wins when asked', async () => {
    const real = 'test/fixtures/userdata-corpus/d2si-jenkins-fn-sub-az-dns.yaml'
    expectOneLineExit2(await bounded(() => runCommand(Lint, [real])), /line 253: duplicate key "Effect" in Resources\/ECSInstanceRole\/Properties\/Policies\/1\/PolicyDocument\/Statement\/2 \(first on line 247\): only the last would count \(--allow-duplicate-keys/)
    const r = await bounded(() => runCommand(Lint, [real, '--allow-duplicate-keys', '--json']))
    expect(r.stderr).toBe('')
    expect(JSON.parse(r.stdout)).toHaveProperty('findings')
  })

  it('YAML: the same, for a resource given twice', async () => {
    const r = await bounded(() => runCommand(Lint, [file('dup.yaml', `${RESOURCES}  Fs:\n    Type: AWS::EFS::FileSystem\n`)]))
    expectOneLineExit2(r, /dup\.yaml line 4: duplicate key "Fs" in Resources \(first on line 2\)/)
  })
})

describe('item 6: template size', () => {
  it('a 50 MB template is refused by the size cap with one line', async () => {
    const big = join(dir, 'fifty.yaml')
    const fd = openSync(big, 'w')
    ftruncateSync(fd, 50 * 2 ** 20)
    closeSync(fd)
    expectOneLineExit2(await bounded(() => runCommand(Lint, [big])), /fifty\.yaml is too large/)
  })

  it('a template just under the cap is read and linted within the bounds', async () => {
    // 1 MB (CloudFormation's own limit) of small resources, the shape that costs most per byte, then a block scalar
    // up to the cap.
    const one = (i: number) => `  Sg${i}:\n    Type: AWS::EC2::SecurityGroup\n    Properties: {GroupDescription: !Sub "g${i} \${AWS::StackName}"}\n`
    const parts = [RESOURCES]
    let size = RESOURCES.length
    for (let i = 0; size < 2 ** 20; i++) {
      parts.push(one(i))
      size += parts.at(-1)!.length
    }
    const line = '        echo "a long script line \${AWS::StackName}" >> /var/log/x.log\n'
    const text = `${parts.join('')}  Lt:\n    Type: AWS::EC2::LaunchTemplate\n    Metadata:\n      Big: !Sub |\n`
    const f = file('under-cap.yaml', text + line.repeat(Math.floor((MAX_TEMPLATE_BYTES - text.length) / line.length)))
    const r = await bounded(() => runCommand(Lint, [f, '--json']), {ms: 30_000})
    expect(r.stderr).toBe('')
    expect(JSON.parse(r.stdout)).toHaveProperty('findings')
  })
})
