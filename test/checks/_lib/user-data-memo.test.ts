import {parseUserData} from '../../../src/checks/_lib/user-data.js'

const script = (i: number) => `#!/bin/bash\necho ECS_CLUSTER=c${i} >> /etc/ecs/ecs.config\nmount -t efs fs-0${i.toString(16).padStart(16, '0')}:/ /mnt/efs\n`

describe('parseUserData memo', () => {
  it('keeps every script of a large snapshot: a second scan over 400 distinct scripts parses none again', () => {
    // Checks read every script in turn; a memo smaller than the scan (first in, first out) would miss every time.
    const first = Array.from({length: 400}, (_, i) => parseUserData(script(i)))
    const again = Array.from({length: 400}, (_, i) => parseUserData(script(i)))
    expect(again.every((p, i) => p === first[i])).toBe(true)
    expect(first[7].fstab.length + first[7].mounts.length).toBeGreaterThan(0)
  })

  it('parses again a text it has not seen (distinct results for distinct texts)', () => {
    expect(parseUserData(script(1))).not.toBe(parseUserData(script(2)))
  })
})
