import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Emulator, startEmulator } from '../../../src/emulator/index.js'
import { batch, date, defineTable, int64, pushChanges, TableauClient, text, timestamp } from '../../../src/index.js'
import { launchBrowser, SKIP_BROWSER, SKIP_MESSAGE, screenshot, watchedPage } from './browser.js'

// The console in a real browser after real pushes: the client against the emulator over loopback HTTP, then
// what a person opening /console sees, without reloading the page.
const orders = defineTable(
  { schema: 'Extract', name: 'Extract' },
  { id: int64(), customer: text({ nullable: true }), day: date({ nullable: true }), at: timestamp({ nullable: true }) },
)
const pat = { name: 'ci', secret: 'console-s3cret-pat' }
let emu: Emulator
let client: TableauClient
let browser: Browser
let page: Page
let dialogs: string[]
let errors: string[]
let ordersId: string

beforeAll(async () => {
  if (SKIP_BROWSER) return
  emu = await startEmulator({ console: true, jobDelayMs: 5, users: [{ name: 'admin', password: 'pw', pat }] })
  const ds = await emu.createDatasource({
    name: 'Orders',
    table: orders,
    rows: [
      { id: 9007199254740993n, customer: '', day: '2024-02-29', at: '2024-01-02T03:04:05.123456Z' },
      { id: 2n, customer: null, day: null, at: null },
      { id: 3n, customer: 'NULL', day: '1999-12-31', at: '1970-01-01T00:00:00.000001Z' },
    ],
  })
  ordersId = ds.id
  client = await TableauClient.signIn({ server: emu.url, site: '', auth: { personalAccessToken: pat } })
  browser = await launchBrowser()
  ;({ page, dialogs, errors } = await watchedPage(browser))
}, 60_000)
afterAll(async () => {
  await browser?.close()
  await client?.close()
  await emu?.close()
})

/** The text of each cell of the rows table, row by row, as the browser renders it. */
async function cells(p: Page): Promise<string[][]> {
  const rows = await p.locator('table.rows tbody tr').all()
  return Promise.all(rows.map((r) => r.locator('td').allTextContents()))
}
/** Page loads since the browser opened the page (1: every change came in without a reload). */
const navigations = (p: Page) => p.evaluate<number>('performance.getEntriesByType("navigation").length')
// A function, not a string: a string predicate is run through the page's eval while it polls, which the console's
// CSP refuses ('unsafe-eval' is not allowed) whenever the first check comes too early.
const liveOpen = (p: Page) =>
  p.waitForFunction(
    () =>
      (globalThis as unknown as { document: { body: { dataset: Record<string, string | undefined> } } }).document.body
        .dataset['live'] === 'open',
  )

describe.skipIf(SKIP_BROWSER)(
  `console in a browser: data sources and jobs${SKIP_BROWSER ? ` (${SKIP_MESSAGE})` : ''}`,
  () => {
    it('renders every value exactly: int64 beyond 2^53, µs timestamps, dates, NULL apart from empty text', async () => {
      const response = await page.goto(`${emu.url}/console/datasources/${ordersId}`)
      expect(response?.headers()['content-security-policy']).toContain("default-src 'self'")
      expect(await cells(page)).toEqual([
        ['9007199254740993', "''", '2024-02-29', '2024-01-02 03:04:05.123456+00'],
        ['2', 'NULL', 'NULL', 'NULL'],
        ['3', 'NULL', '1999-12-31', '1970-01-01 00:00:00.000001+00'],
      ])
      // NULL is marked as such; the text "NULL" and the empty text are not.
      expect(await page.locator('table.rows tbody tr:nth-child(2) td[data-null]').count()).toBe(3)
      expect(await page.locator('table.rows tbody tr:nth-child(3) td[data-null]').count()).toBe(0)
      expect(await page.locator('table.rows tbody tr:nth-child(1) td[data-empty]').count()).toBe(1)
      expect(await page.textContent('table.schema')).toMatch(/id\s*BIGINT\s*no/)
    })

    it('sorts by a column and filters by a column value', async () => {
      await page.click('table.rows th a:text-is("id")')
      expect((await cells(page)).map((r) => r[0])).toEqual(['2', '3', '9007199254740993'])
      await page.click('table.rows th a:text-is("id")')
      expect((await cells(page)).map((r) => r[0])).toEqual(['9007199254740993', '3', '2'])
      await page.selectOption('#rows-filter select[name=col]', 'customer')
      await page.selectOption('#rows-filter select[name=op]', 'null')
      await page.click('#rows-filter button')
      expect((await cells(page)).map((r) => r[0])).toEqual(['2'])
      await page.selectOption('#rows-filter select[name=op]', 'eq')
      await page.fill('#rows-filter input[name=val]', 'NULL')
      await page.click('#rows-filter button')
      expect((await cells(page)).map((r) => r[0])).toEqual(['3'])
      expect(errors).toEqual([])
    })

    it('a push shows its new rows on the open page (no reload) and its job with RequestID and rows changed', async () => {
      await page.goto(`${emu.url}/console/datasources/${ordersId}?sort=id`)
      await liveOpen(page)
      const report = await pushChanges({
        client,
        datasource: { name: 'Orders' },
        batch: batch().upsert({ source: orders.as('changes'), target: orders, on: ['id'] }),
        rows: { changes: [{ id: 4n, customer: 'Initech', day: '2024-03-01', at: '2024-03-01T00:00:00.5Z' }] },
      })
      expect(report.outcome).toBe('succeeded')
      await page.waitForSelector('table.rows td:text-is("Initech")')
      expect(await page.textContent('#row-total')).toBe('4')
      expect(await navigations(page)).toBe(1)
      await screenshot(page, 'datasource')

      await page.goto(`${emu.url}/console/jobs`)
      const jobId = report.requests[0]!.jobId!
      const row = page.locator(`tr[data-job="${jobId}"]`)
      expect(await row.locator('td').nth(3).textContent()).toBe('succeeded')
      expect(await row.textContent()).toContain(report.requests[0]!.requestId)
      expect(await row.locator('td').nth(7).textContent()).toBe('1')
      await page.click(`tr[data-job="${jobId}"] a`)
      expect(await page.textContent('#job-actions')).toContain('"action": "upsert"')
      expect(await page.textContent('#job-state')).toBe('succeeded')
      await screenshot(page, 'job')
      await page.goto(`${emu.url}/console`)
      expect(await page.locator('table.datasources tbody td').allTextContents()).toEqual(
        expect.arrayContaining(['Orders', 'Extract.Extract', '4']),
      )
      await screenshot(page, 'datasources')
    })

    it('a failed job (a column the table lacks) shows its 410012 note, live on the open jobs page', async () => {
      await page.goto(`${emu.url}/console/jobs`)
      await liveOpen(page)
      const wider = defineTable({ schema: 'Extract', name: 'Extract' }, { id: int64(), region: text() })
      const failed = await pushChanges({
        client,
        datasource: { name: 'Orders' },
        batch: batch().insert({ source: wider.as('changes'), target: wider }),
        rows: { changes: [{ id: 5n, region: 'EU' }] },
        schemaCheck: 'skip',
      }).catch((e: unknown) => e)
      expect(failed).toBeDefined()
      const note = page.locator('tr:has(td:text-is("failed")) td.notes')
      await note.first().waitFor()
      expect(await note.first().textContent()).toMatch(/column\(s\) "region" do not exist .*errorCode=410012/)
      expect(await navigations(page)).toBe(1)
      await screenshot(page, 'jobs')
    })

    it('the requests page lists the API requests newest first, filterable, and no secret', async () => {
      await page.goto(`${emu.url}/console/requests`)
      const routes = await page.locator('table.requests tbody tr td:nth-child(5)').allTextContents()
      expect(routes).toContain('updateData')
      expect(routes).toContain('signIn')
      const rows = await page.locator('table.requests tbody tr').all()
      const seqs = await Promise.all(rows.map(async (r) => Number(await r.getAttribute('data-seq'))))
      expect(seqs.length).toBeGreaterThan(5)
      expect(seqs).toEqual([...seqs].sort((a, b) => b - a))
      await screenshot(page, 'requests')
      await page.fill('#requests-filter input[name=route]', 'updateData')
      await page.click('#requests-filter button')
      const filtered = await page.locator('table.requests tbody tr td:nth-child(5)').allTextContents()
      expect(filtered.length).toBe(2)
      expect(new Set(filtered)).toEqual(new Set(['updateData']))
      for (const path of ['/console', '/console/jobs', '/console/requests', `/console/datasources/${ordersId}`]) {
        await page.goto(`${emu.url}${path}`)
        const html = await page.content()
        expect(html).not.toContain(pat.secret)
      }
      expect(dialogs).toEqual([])
      expect(errors).toEqual([])
    })
  },
)
