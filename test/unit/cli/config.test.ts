import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectionConfig } from '../../../src/cli/config.js'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hd-config-'))
  await writeFile(join(dir, 'pat'), 'pat-from-file\n')
  await writeFile(join(dir, 'password'), 'pw-from-file\r\n')
  await writeFile(join(dir, 'jwt'), 'jwt.from.file')
  await writeFile(join(dir, 'empty'), '\n')
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

const base = { TABLEAU_SERVER: 'https://tableau.example.com' }

describe('secrets from *_FILE (Docker / Kubernetes secrets)', () => {
  it('reads TABLEAU_PAT_SECRET_FILE, TABLEAU_PASSWORD_FILE and TABLEAU_JWT_FILE, dropping one trailing newline', async () => {
    const pat = await connectionConfig(
      {},
      { ...base, TABLEAU_PAT_NAME: 'etl', TABLEAU_PAT_SECRET_FILE: join(dir, 'pat') },
    )
    expect(pat.auth).toEqual({ personalAccessToken: { name: 'etl', secret: 'pat-from-file' } })
    const pw = await connectionConfig(
      {},
      { ...base, TABLEAU_USERNAME: 'u', TABLEAU_PASSWORD_FILE: join(dir, 'password') },
    )
    expect(pw.auth).toEqual({ password: { username: 'u', password: 'pw-from-file' } })
    const jwt = await connectionConfig({}, { ...base, TABLEAU_JWT_FILE: join(dir, 'jwt') })
    expect(jwt.auth).toEqual({ jwt: 'jwt.from.file' })
    const uat = await connectionConfig({}, { ...base, TABLEAU_UAT_FILE: join(dir, 'jwt') })
    expect(uat.auth).toEqual({ uat: 'jwt.from.file' })
  })

  it('a unified access token from TABLEAU_UAT; with TABLEAU_JWT set too, refused without echoing either', async () => {
    expect((await connectionConfig({}, { ...base, TABLEAU_UAT: 'uat.token.value' })).auth).toEqual({
      uat: 'uat.token.value',
    })
    const both = connectionConfig({}, { ...base, TABLEAU_UAT: 'uat.token.value', TABLEAU_JWT: 'jwt.token.value' })
    await expect(both).rejects.toMatchObject({
      code: 'USAGE',
      message: 'both TABLEAU_JWT and TABLEAU_UAT are set: set only one',
    })
  })

  it('refuses both forms, an empty file and a missing file, never echoing a secret', async () => {
    const both = connectionConfig(
      {},
      {
        ...base,
        TABLEAU_PAT_NAME: 'etl',
        TABLEAU_PAT_SECRET: 'inline-secret',
        TABLEAU_PAT_SECRET_FILE: join(dir, 'pat'),
      },
    )
    await expect(both).rejects.toMatchObject({
      code: 'USAGE',
      message: expect.stringMatching(/both TABLEAU_PAT_SECRET and TABLEAU_PAT_SECRET_FILE/),
    })
    await expect(both).rejects.not.toThrow(/inline-secret|pat-from-file/)
    await expect(connectionConfig({}, { ...base, TABLEAU_JWT_FILE: join(dir, 'empty') })).rejects.toMatchObject({
      code: 'INPUT_INVALID',
      message: expect.stringMatching(/TABLEAU_JWT_FILE=.*empty: the file is empty/),
    })
    await expect(
      connectionConfig({}, { ...base, TABLEAU_PASSWORD_FILE: join(dir, 'nope'), TABLEAU_USERNAME: 'u' }),
    ).rejects.toMatchObject({
      code: 'INPUT_UNREADABLE',
      message: expect.stringMatching(/TABLEAU_PASSWORD_FILE=.*nope: cannot read: no such file/),
    })
  })
})
