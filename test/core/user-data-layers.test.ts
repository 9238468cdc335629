import {gzipSync} from 'node:zlib'
import {decodedParts, redactAnyUserData, redactUserData} from '../../src/core/user-data-layers.js'
import {decodeUserData as inventoryDecode} from '../../src/inventory/infer.js'
import {buildSnapshot} from '../../src/lint/build-snapshot.js'
import {parseTemplate} from '../../src/lint/template.js'
import {secrets} from '../../src/checks/userdata/secrets.js'
import {parseUserData} from '../../src/checks/_lib/user-data.js'
import {withUserData} from '../support/user-data-fixtures.js'

const SECRET_SCRIPT = '#!/bin/bash\nexport AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\nexport AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\nmount -t efs fs-12345678:/ /mnt/efs\n'
const LEAK = /AKIAIOSFODNN7EXAMPLE|wJalrXUtnFEMI/

function mime(parts: {type: string; cte?: string; body: string}[]): string {
  return ['Content-Type: multipart/mixed; boundary="//"', 'MIME-Version: 1.0', '',
    ...parts.flatMap(p => ['--//', `Content-Type: ${p.type}; charset="us-ascii"`, ...(p.cte ? [`Content-Transfer-Encoding: ${p.cte}`] : []), '', p.body]),
    '--//--', ''].join('\n')
}

const cloudConfig = {type: 'text/cloud-config', body: '#cloud-config\npackages:\n  - amazon-efs-utils'}
const b64Part = {type: 'text/x-shellscript', cte: 'base64', body: Buffer.from(SECRET_SCRIPT).toString('base64')}

describe('UserData layers', () => {
  it('a base64 MIME part holding an access key pair: inventory stores no secret, the script still parses the same', () => {
    const doc = mime([cloudConfig, b64Part])
    const stored = inventoryDecode(Buffer.from(doc).toString('base64'))
    expect(stored).not.toMatch(LEAK)
    expect(decodedParts(stored).parts[1].text).toContain('***REDACTED***')
    const before = parseUserData(doc)
    expect(before.mounts.length).toBeGreaterThan(0)
    const after = parseUserData(stored)
    expect(after.mounts).toEqual(before.mounts)
    expect(after.parts.map(p => p.format)).toEqual(before.parts.map(p => p.format))
  })

  it('userdata/secrets fails naming the MIME part, on raw and on stored UserData', () => {
    const doc = mime([cloudConfig, b64Part])
    for (const text of [doc, redactUserData(doc)]) {
      const out = secrets.run(withUserData(text))
      expect(out.some(o => o.status === 'fail' && /MIME part 2 \(base64\)/.test(o.message) && /AWS access key id/.test(o.message))).toBe(true)
      expect(JSON.stringify(out)).not.toMatch(LEAK)
    }
    expect(secrets.run(withUserData(mime([cloudConfig, {...b64Part, body: Buffer.from('#!/bin/bash\necho hi\n').toString('base64')}])))[0].status).toBe('pass')
  })

  it('quoted-printable and gzip inside a base64 part are decoded too', () => {
    const qp = mime([{type: 'text/x-shellscript', cte: 'quoted-printable', body: SECRET_SCRIPT.replace(/=/g, '=3D')}])
    expect(redactUserData(qp)).not.toMatch(LEAK)
    const gz = mime([{type: 'text/x-shellscript', cte: 'base64', body: gzipSync(SECRET_SCRIPT).toString('base64')}])
    expect(redactUserData(gz)).not.toMatch(LEAK)
    expect(secrets.run(withUserData(gz)).some(o => o.status === 'fail' && /MIME part 1 \(base64\+gzip\)/.test(o.message))).toBe(true)
  })

  it('redaction and the parser split MIME the same way: headers a blank line cuts short, folded headers', () => {
    // The corpus case (cloud-init does not run it, but the parser reads its parts as meant): the secret in its base64
    // part must not be stored either.
    const broken = mime([cloudConfig, b64Part]).replace(/^(Content-Type: [^\n]*)\n(MIME-Version: 1.0)\n/, '$2\n\n$1\n')
    const folded = mime([cloudConfig, b64Part]).replace('boundary="//"', '\n boundary="//"')
    for (const doc of [broken, folded]) {
      const parsed = parseUserData(doc)
      expect(parsed.parts).toHaveLength(2)
      if (doc === broken) expect(parsed.notes.join(' ')).toMatch(/ends the MIME headers/)
      const stored = redactUserData(doc)
      expect(stored).not.toMatch(LEAK)
      expect(parseUserData(stored).mounts).toEqual(parsed.mounts)
      expect(decodedParts(doc).parts.map(p => p.startLine)).toEqual(parsed.parts.map(p => p.startLine))
    }
  })

  it('a part that claims base64 but does not decode: the whole UserData is redacted, and the check fails', () => {
    const doc = mime([cloudConfig, {type: 'text/x-shellscript', cte: 'base64', body: `${SECRET_SCRIPT}%%%`}])
    expect(redactUserData(doc)).toBe('[efsdoctor: UserData redacted as a whole: part 2 could not be decoded (base64)] ***REDACTED***')
    expect(inventoryDecode(Buffer.from(doc).toString('base64'))).not.toMatch(LEAK)
    expect(secrets.run(withUserData(doc)).some(o => o.status === 'fail' && /MIME part 2/.test(o.message))).toBe(true)
    expect(inventoryDecode(Buffer.concat([gzipSync(SECRET_SCRIPT).subarray(0, 20)]).toString('base64'))).toMatch(/^\[efsdoctor: UserData redacted as a whole/)
  })

  it('gzip+base64 UserData in a template: lint stores no secret', () => {
    const ud = gzipSync(SECRET_SCRIPT).toString('base64')
    expect(redactAnyUserData(ud)).not.toMatch(LEAK)
    expect(redactAnyUserData(gzipSync('#!/bin/bash\necho hi\n').toString('base64'))).toBe(gzipSync('#!/bin/bash\necho hi\n').toString('base64'))
    const body = JSON.stringify({Resources: {LT: {Type: 'AWS::EC2::LaunchTemplate', Properties: {LaunchTemplateData: {UserData: ud}}}}})
    const snap = buildSnapshot(parseTemplate(body, 't.json'), {file: 't.json'})
    expect(snap.userData?.length).toBe(1)
    expect(JSON.stringify(snap)).not.toMatch(LEAK)
  })
})
