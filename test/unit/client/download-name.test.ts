import { describe, expect, it } from 'vitest'
import {
  dispositionName,
  MAX_NAME_BYTES,
  numberedName,
  serverFileName,
} from '../../../src/client/datasources/download-name.js'

// The server's file name of a download: decoded from Content-Disposition, made one safe path component, cut to fit.
const bytes = (s: string) => Buffer.byteLength(s, 'utf8')
/** A header value as it reaches the client: its bytes read as Latin-1. */
const raw = (s: string) => Buffer.from(s, 'utf8').toString('latin1')
const saved = (header: string) => serverFileName(dispositionName(header))

describe('dispositionName', () => {
  it.each([
    ['attachment; filename="Sales.tdsx"', 'Sales.tdsx'],
    ['attachment; filename=Sales.tdsx', 'Sales.tdsx'],
    ['attachment; filename="a \\"q\\" b.tdsx"', 'a "q" b.tdsx'],
    ['attachment; filename="x.tdsx"; filename*=UTF-8\'\'%E2%82%AC%20rates.tdsx', '€ rates.tdsx'],
    ["attachment; filename*=utf-8'en'%C3%A9t%C3%A9.hyper", 'été.hyper'],
    ["attachment; filename*=ISO-8859-1''%A3%20rates.tdsx", '£ rates.tdsx'],
    // not decodable as UTF-8: the plain filename stands
    ['attachment; filename*=UTF-8\'\'%FF%FE.tdsx; filename="plain.tdsx"', 'plain.tdsx'],
    [`attachment; filename="${raw('日本語.tdsx')}"`, '日本語.tdsx'],
    [`attachment; filename="${raw('caf\u00e9')}"`, 'café'],
    ['attachment', undefined],
    ['attachment; filename=""', undefined],
  ])('%s', (header, name) => {
    expect(dispositionName(header)).toBe(name)
  })
  it('does not read a parameter that merely ends in "filename"', () => {
    expect(dispositionName('attachment; xfilename="evil.tdsx"')).toBeUndefined()
  })
})

describe('serverFileName', () => {
  it.each([
    ['attachment; filename="../../etc/evil.tdsx"', 'evil.tdsx', ['unsafe']],
    ["attachment; filename*=UTF-8''..%2F..%2Fx.tdsx", 'x.tdsx', ['unsafe']],
    ['attachment; filename="C:\\\\Windows\\\\x.tdsx"', 'x.tdsx', ['unsafe']],
    ["attachment; filename*=UTF-8''a%00b%0Ac%1B%7F.tdsx", 'a_b_c__.tdsx', ['unsafe']],
    ['attachment; filename="a<b>:c|d?e*.tdsx"', 'a_b__c_d_e_.tdsx', ['unsafe']],
    ["attachment; filename*=UTF-8''%E2%80%AEtxt.exe", '_txt.exe', ['unsafe']],
    ['attachment; filename="CON.tdsx"', '_CON.tdsx', ['unsafe']],
    ['attachment; filename="lpt1"', '_lpt1', ['unsafe']],
    ['attachment; filename="name. . "', 'name', ['unsafe']],
    ['attachment; filename="Sales.tdsx"', 'Sales.tdsx', []],
  ])('%s → %s', (header, name, renamed) => {
    expect(saved(header)).toMatchObject({ name, renamed })
  })
  it.each(['..', '.', '../', 'a/..', '...', ' '])('nothing usable in %j: undefined', (name) => {
    expect(saved(`attachment; filename="${name}"`)).toBeUndefined()
  })

  it.each([
    ['é', 2],
    ['€', 3],
    ['😀', 4],
    ['👩‍👩‍👧', 18],
    ['e\u0301', 3],
  ])('a name of %s repeated past 255 bytes is cut at a character, keeping the extension', (char, size) => {
    const long = `${char.repeat(Math.ceil(300 / size))}.tdsx`
    const got = saved(`attachment; filename*=UTF-8''${encodeURIComponent(long)}`)!
    expect(got.renamed).toEqual(['shortened'])
    expect(bytes(got.name)).toBeLessThanOrEqual(MAX_NAME_BYTES)
    expect(bytes(got.name)).toBeGreaterThan(MAX_NAME_BYTES - size - 1)
    expect(got.name.endsWith('.tdsx')).toBe(true)
    // whole characters only: the stem is the character repeated, nothing broken at the end
    const stem = got.name.slice(0, -'.tdsx'.length)
    expect(stem).toBe(char.repeat(stem.length / char.length))
    expect(Buffer.from(got.name, 'utf8').toString('utf8')).toBe(got.name)
  })

  it('exactly 255 bytes is kept; a name without an extension is cut too', () => {
    const exact = `${'a'.repeat(250)}.tdsx`
    expect(saved(`attachment; filename="${exact}"`)).toMatchObject({ name: exact, renamed: [] })
    const bare = saved(`attachment; filename="${'b'.repeat(400)}"`)!
    expect(bare).toMatchObject({ name: 'b'.repeat(255), renamed: ['shortened'] })
  })
})

describe('numberedName', () => {
  it('adds " (n)" before the extension, cutting the stem so the whole still fits', () => {
    expect(numberedName('Sales.tdsx', 1)).toBe('Sales (1).tdsx')
    expect(numberedName('.hidden', 2)).toBe('.hidden (2)')
    const long = `${'€'.repeat(83)}.tdsx` // 249 + 5 bytes
    const n = numberedName(long, 12)
    expect(bytes(n)).toBeLessThanOrEqual(MAX_NAME_BYTES)
    expect(n.endsWith(' (12).tdsx')).toBe(true)
  })
})
