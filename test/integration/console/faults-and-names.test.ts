import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Emulator, startEmulator } from '../../../src/emulator/index.js'
import { batch, defineTable, int64, pushChanges, TableauClient, text } from '../../../src/index.js'
import { launchBrowser, SKIP_BROWSER, SKIP_MESSAGE, screenshot, watchedPage } from './browser.js'

// Faults switched from the page reach the next client request; hostile names render as text and run nothing.
const HOSTILE = '<img src=x onerror=alert(1)>'
const hostileTable = defineTable(
  { schema: 'Extract', name: 'Extract' },
  { id: int64(), '<script>alert(2)</script>': text({ nullable: true }) },
)
const pat = { name: 'ci', secret: 'console-faults-pat' }
let emu: Emulator
let client: TableauClient
let browser: Browser
let page: Page
let dialogs: string[]
let errors: string[]

beforeAll(async () => {
  if (SKIP_BROWSER) return
  emu = await startEmulator({ console: true, jobDelayMs: 5, users: [{ name: 'admin', password: 'pw', pat }] })
  client = await TableauClient.signIn({ server: emu.url, site: '', auth: { personalAccessToken: pat } })
  browser = await launchBrowser()
  ;({ page, dialogs, errors } = await watchedPage(browser))
}, 60_000)
afterAll(async () => {
  await browser?.close()
  await client?.close()
  await emu?.close()
})

describe.skipIf(SKIP_BROWSER)(
  `console in a browser: faults and names${SKIP_BROWSER ? ` (${SKIP_MESSAGE})` : ''}`,
  () => {
    it('a 503 armed on the page answers the next request to that route, once', async () => {
      await page.goto(`${emu.url}/console/faults`)
      const form = page.locator('form[data-action=respondWith]')
      await form.locator('select[name=status]').selectOption('503')
      await form.locator('select[name=route]').selectOption('serverInfo')
      await form.locator('button').click()
      expect(await page.textContent('#flash')).toContain('answer 503')
      expect(await page.textContent('table.pending')).toContain('503 × 1 on (any) serverInfo')

      const first = await fetch(`${emu.url}/api/3.24/serverinfo`)
      expect(first.status).toBe(503)
      expect((await fetch(`${emu.url}/api/3.24/serverinfo`)).status).toBe(200)
      expect(emu.faults.counters.responses503).toBe(1)
      await page.locator('td[data-counter=responses503]:text-is("1")').waitFor()
    })

    it('a job failure armed on the page fails the next push with the notes typed there', async () => {
      await emu.createDatasource({ name: 'Plain', table: hostileTable, rows: [{ id: 1n }] })
      const form = page.locator('form[data-action=failJobs]')
      await form.locator('input[name=notes]').fill('failed from the console')
      await form.locator('button').click()
      expect(await page.textContent('table.pending')).toContain('failed from the console')
      await screenshot(page, 'faults')
      const outcome = await pushChanges({
        client,
        datasource: { name: 'Plain' },
        batch: batch().insert({ source: hostileTable.as('changes'), target: hostileTable }),
        rows: { changes: [{ id: 2n }] },
      }).catch((e: unknown) => e as Error)
      expect(String('message' in outcome ? outcome.message : JSON.stringify(outcome))).toContain(
        'failed from the console',
      )
      expect(emu.faults.counters.failedJobs).toBe(1)
    })

    it('the personality switched on the page applies to the next request; clear removes pending faults', async () => {
      await page.goto(`${emu.url}/console/faults`)
      const form = page.locator('form[data-action=personality]')
      await form.locator('input[name=noVizqlDataService]').check()
      await form.locator('button').click()
      expect(await page.textContent('#personality')).toBe('noVizqlDataService=true')
      const vds = await fetch(`${emu.url}/api/v1/vizql-data-service/read-metadata`, { method: 'POST' })
      expect(vds.status).toBe(404)
      await page.locator('form[data-action=personality] input[name=noVizqlDataService]').uncheck()
      await page.locator('form[data-action=personality] button').click()
      expect(await page.textContent('#personality')).toBe('the default reading')

      emu.faults.cancelJobs({ times: 3 })
      await page.goto(`${emu.url}/console/faults`)
      expect(await page.textContent('table.pending')).toContain('cancelJobs')
      await page.locator('form[data-action=clear] button').click()
      expect(await page.textContent('table.pending')).not.toContain('cancelJobs')
    })

    it('hostile names render as text everywhere and run nothing', async () => {
      const ds = await emu.createDatasource({
        name: HOSTILE,
        project: '"><iframe src=javascript:alert(5)>',
        table: hostileTable,
        rows: [{ id: 1n, '<script>alert(2)</script>': '"><svg onload=alert(3)>' }],
      })
      await pushChanges({
        client,
        datasource: { id: ds.id },
        batch: batch().insert({ source: hostileTable.as('changes'), target: hostileTable }),
        rows: { changes: [{ id: 2n, '<script>alert(2)</script>': '<b onmouseover=alert(4)>x</b>' }] },
      })
      await fetch(`${emu.url}/api/3.24/serverinfo`, { headers: { requestid: '<svg onload=alert(6)>' } })
      await page.goto(`${emu.url}/console/requests`)
      expect(await page.locator('table.requests td.id').allTextContents()).toContain('<svg onload=alert(6)>')
      await page.goto(`${emu.url}/console`)
      expect(await page.locator('h2').allTextContents()).toContain(
        '(default site) / "><iframe src=javascript:alert(5)>',
      )
      expect(await page.locator(`a:text-is("${HOSTILE}")`).count()).toBe(1)
      await page.click(`a:text-is("${HOSTILE}")`)
      expect(await page.textContent('h1')).toBe(`Data source ${HOSTILE}`)
      expect(await page.locator('table.rows th').allTextContents()).toContain('<script>alert(2)</script>')
      expect(await page.locator('table.rows td').allTextContents()).toEqual(
        expect.arrayContaining(['"><svg onload=alert(3)>', '<b onmouseover=alert(4)>x</b>']),
      )
      await page.goto(`${emu.url}/console/jobs`)
      expect(await page.locator(`td a:text-is("${HOSTILE}")`).count()).toBeGreaterThan(0)
      for (const selector of ['main img', 'main svg', 'main b', 'main script', 'iframe']) {
        expect(await page.locator(selector).count(), selector).toBe(0)
      }
      await page.waitForTimeout(200)
      expect(dialogs).toEqual([])
      expect(errors).toEqual([])
    })
  },
)
