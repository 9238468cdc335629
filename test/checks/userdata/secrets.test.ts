import {runChecks} from '../../../src/core/run-checks.js'
import {secrets} from '../../../src/checks/userdata/secrets.js'
import {redactSecrets} from '../../../src/core/redact.js'
import {denied, healthy} from '../../support/snapshot-builder.js'
import {udFixture, withUserData} from '../../support/user-data-fixtures.js'

describe('userdata/secrets', () => {
  it('passes on clean scripts', () => {
    expect(secrets.run(healthy())[0].status).toBe('pass')
    expect(secrets.run(withUserData(udFixture('seed-fnsub.sh')))[0].status).toBe('pass')
  })

  it('warns per secret with line and kind, never the value', () => {
    const out = secrets.run(withUserData(udFixture('fault-secrets.sh')))
    expect(out.every(o => o.status === 'fail')).toBe(true)
    expect(out.map(o => o.location?.line)).toEqual(expect.arrayContaining([2, 3, 5, 6, 7]))
    expect(out.find(o => o.location?.line === 2)?.message).toMatch(/AWS access key id/)
    expect(JSON.stringify(out)).not.toMatch(/AKIAIOSFODNN7EXAMPLE|wJalrXUtnFEMI|hunter2|eyJhbGci|ghp_abcdef/)
    const report = runChecks([secrets], withUserData(udFixture('fault-secrets.sh')))
    expect(report.findings.every(f => f.severity === 'warning')).toBe(true)
  })

  it('warns for a rendered value sed puts in place of a password placeholder, and redacts only the value', () => {
    const line = `sudo sed -i 's/password_here/"Xk9-rT4vQ2-mZ7p"/g' /var/www/wordpress/wp-config.php`
    const [o] = secrets.run(withUserData(`#!/bin/sh\n${line}\n`))
    expect(o).toMatchObject({status: 'fail', location: {line: 2}, key: {kind: 'password'}})
    expect(o.message).not.toContain('Xk9')
    expect(redactSecrets(line)).toBe(`sudo sed -i 's/password_here/"***REDACTED***"/g' /var/www/wordpress/wp-config.php`)
    // Unrendered (a variable) or a sed that replaces no secret placeholder: nothing to warn about.
    expect(secrets.run(withUserData('#!/bin/sh\nsed -i "s/password_here/${DB_PASS}/" f\nsed -e \'s/^#*/#/\' -i /etc/ssh/sshd_config\n'))[0].status).toBe('pass')
  })

  it('still warns on a snapshot whose UserData was already redacted by inventory', () => {
    const out = secrets.run(withUserData(redactSecrets(udFixture('fault-secrets.sh'))))
    expect(out.filter(o => o.status === 'fail').map(o => o.location?.line)).toEqual(expect.arrayContaining([2, 3, 5, 6, 7]))
  })

  it('is unknown for empty text or a failed read', () => {
    expect(secrets.run(withUserData(''))[0].status).toBe('unknown')
    expect(runChecks([secrets], denied(healthy(), 'userData', 'ec2:DescribeInstanceAttribute')).findings[0].status).toBe('unknown')
  })
})
