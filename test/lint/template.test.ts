import {parseTemplate} from '../../src/lint/template.js'

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
