import {Schema} from 'yaml'
import {parseTemplate, PLAIN_STRING} from '../../src/lint/template.js'

const YAML = `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Res:
    Type: Custom::Thing
    Properties:
      A: !Ref Param
      B: !Sub 'arn:\${AWS::Partition}:s3:::\${Bucket}'
      C: !Sub
        - '\${Name}-x'
        - {Name: !Ref Other}
      D: !GetAtt Sg.GroupId
      E: !GetAtt [Lb, DNSName]
      F: !Base64 {'Fn::Sub': 'x'}
      G: !Join ['', [a, !Ref P]]
      H: !Select [0, !GetAZs '']
      I: !Split [',', 'a,b']
      J: !If [IsProd, !Equals [a, b], !Not [!Condition Cond]]
      K: !And [!Or [!Condition X, !Condition Y], !Equals [1, 1]]
      L: !FindInMap [M, K1, K2]
      M: !ImportValue shared-vpc
      N: !Cidr [10.0.0.0/16, 4, 8]
      Script: !Base64
        Fn::Sub: |
          #!/bin/bash
          echo \${!HOME}
`

describe('parseTemplate', () => {
  const t = parseTemplate(YAML, 't.yaml')
  const p = (t.body.Resources as any).Res.Properties

  it('turns every short tag into its long form', () => {
    expect(p.A).toEqual({Ref: 'Param'})
    expect(p.B).toEqual({'Fn::Sub': 'arn:${AWS::Partition}:s3:::${Bucket}'})
    expect(p.C).toEqual({'Fn::Sub': ['${Name}-x', {Name: {Ref: 'Other'}}]})
    expect(p.D).toEqual({'Fn::GetAtt': ['Sg', 'GroupId']})
    expect(p.E).toEqual({'Fn::GetAtt': ['Lb', 'DNSName']})
    expect(p.F).toEqual({'Fn::Base64': {'Fn::Sub': 'x'}})
    expect(p.G).toEqual({'Fn::Join': ['', ['a', {Ref: 'P'}]]})
    expect(p.H).toEqual({'Fn::Select': [0, {'Fn::GetAZs': ''}]})
    expect(p.I).toEqual({'Fn::Split': [',', 'a,b']})
    expect(p.J).toEqual({'Fn::If': ['IsProd', {'Fn::Equals': ['a', 'b']}, {'Fn::Not': [{Condition: 'Cond'}]}]})
    expect(p.K).toEqual({'Fn::And': [{'Fn::Or': [{Condition: 'X'}, {Condition: 'Y'}]}, {'Fn::Equals': [1, 1]}]})
    expect(p.L).toEqual({'Fn::FindInMap': ['M', 'K1', 'K2']})
    expect(p.M).toEqual({'Fn::ImportValue': 'shared-vpc'})
    expect(p.N).toEqual({'Fn::Cidr': ['10.0.0.0/16', 4, 8]})
  })

  it('keeps the line of each key and where a block scalar\'s content starts', () => {
    expect(t.lines.get('Resources/Res')).toBe(3)
    expect(t.lines.get('Resources/Res/Properties/M')).toBe(20)
    expect(t.lines.get('Resources/Res/Properties/Script')).toBe(22)
    // `Fn::Sub: |` is on line 23; the script's first line (#!/bin/bash) is line 24.
    expect(t.contentLines.get('Resources/Res/Properties/Script/Fn::Base64/Fn::Sub')).toBe(24)
    expect(p.Script).toEqual({'Fn::Base64': {'Fn::Sub': '#!/bin/bash\necho ${!HOME}\n'}})
  })

  it('reads JSON with line numbers too', () => {
    const json = '{\n  "Resources": {\n    "Fs": {\n      "Type": "AWS::EFS::FileSystem"\n    },\n    "Mt": {"Type": "AWS::EFS::MountTarget",\n      "Properties": {"FileSystemId": {"Ref": "Fs"}}}\n  }\n}\n'
    const j = parseTemplate(json, 't.json')
    expect(j.format).toBe('json')
    expect(j.lines.get('Resources/Fs')).toBe(3)
    expect(j.lines.get('Resources/Mt')).toBe(6)
    expect((j.body.Resources as any).Mt.Properties.FileSystemId).toEqual({Ref: 'Fs'})
  })

  it.each([
    ['invalid YAML', 'Resources:\n  A: [unclosed\n', /not a valid YAML or JSON template/],
    ['a scalar document', 'just text\n', /not a CloudFormation template/],
    ['no Resources', 'Parameters:\n  P: {Type: String}\n', /has no Resources/],
    ['empty Resources', 'Resources: {}\n', /has no Resources/],
  ])('rejects %s with a UsageError', (_n, text, msg) => {
    expect(() => parseTemplate(text, 'bad.yaml')).toThrow(msg)
    try {
      parseTemplate(text, 'bad.yaml')
    } catch (error) {
      expect((error as Error).name).toBe('UsageError')
      expect((error as Error).message).not.toContain('\n')
    }
  })
})

describe('PLAIN_STRING (the first tag tried for a plain scalar in the core schema)', () => {
  const coreTests = new Schema({}).tags.filter(t => t.default && t.test).map(t => t.test!)
  const words = ['', '~', 'null', 'Null', 'NULL', 'nULL', 'true', 'True', 'TRUE', 'tRUE', 'false', 'False', 'FALSE', 'yes', 'on', 'y', 'n',
    'e5', 'E10', '.inf', '-.Inf', '.nan', '.NaN', 'nan', 'inf', 'Infinity', '0o17', '0x1F', '0b101', '017', '12', '-3', '+4', '1.5', '-.5', '1e3',
    '10.0.0.0/16', 't3.medium', 'AWS::EC2::VPC', 'Ref', '/etc/fstab', '${Bucket}', '_x', '*x', '<<', '@x', 'a b', 'null x', 'true\nfalse']
  const firsts = Array.from({length: 95}, (_, i) => String.fromCharCode(32 + i))
  const samples = [...words, ...firsts.flatMap(c => [c, `${c}1`, `${c}0x1`, `${c}.5`, `${c}ull`, `${c}rue`, `${c}alse`, `${c}e5`])]

  it('takes no scalar a core tag would read as null, a boolean or a number', () => {
    const wrong = samples.filter(v => PLAIN_STRING.test!.test(v) && coreTests.some(re => re.test(v)))
    expect(wrong).toEqual([])
    // and it does take the common case
    expect(['AWS::EC2::VPC', 'Ref', '/etc/fstab', 'yes', 'e5', 'nan'].every(v => PLAIN_STRING.test!.test(v))).toBe(true)
  })

  it('reads plain scalars as before, in YAML 1.2 and (without it) in YAML 1.1', () => {
    const props = 'Properties: {A: yes, B: e5, C: True, D: ~, E: /x, F: .5, G: on, H: 0x1F, I: Null, J: t3.medium, K: 2049}'
    const v12 = parseTemplate(`Resources:\n  R:\n    Type: X\n    ${props}\n`, 't.yaml')
    expect((v12.body.Resources as any).R.Properties).toEqual({A: 'yes', B: 'e5', C: true, D: null, E: '/x', F: 0.5, G: 'on', H: 31, I: null, J: 't3.medium', K: 2049})
    const v11 = parseTemplate(`%YAML 1.1\n---\nResources:\n  R:\n    Type: X\n    ${props}\n`, 't.yaml')
    // NOTE: `e5` is a YAML 1.1 float to the library, which reads it as NaN.
    expect((v11.body.Resources as any).R.Properties).toEqual({A: true, B: NaN, C: true, D: null, E: '/x', F: 0.5, G: true, H: 31, I: null, J: 't3.medium', K: 2049})
  })
})

describe('a file that is not a template', () => {
  it('names the YAML error and its line', () => {
    expect(() => parseTemplate('[1, 2\n', 't.yaml')).toThrow(/^t\.yaml is not a valid YAML or JSON template \(line \d+\): [^;]*$/)
  })
})
