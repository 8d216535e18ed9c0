import { existsSync } from 'node:fs'
import { type Browser, chromium, type Page } from 'playwright-core'

/**
 * The Chromium the console's browser tests drive: $HYPERDELTA_CHROMIUM, else Debian's /usr/bin/chromium
 * (`apt-get install chromium`; nothing is downloaded). Without one the tests are skipped with this message,
 * except in CI (`CI` set), where .ci/run installs it and they must run.
 */
export const CHROMIUM = process.env.HYPERDELTA_CHROMIUM ?? '/usr/bin/chromium'
const missing = !existsSync(CHROMIUM)
export const SKIP_BROWSER = missing && !process.env.CI
export const SKIP_MESSAGE = `console browser tests skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set HYPERDELTA_CHROMIUM)`
if (SKIP_BROWSER) console.warn(SKIP_MESSAGE)

/** Headless Chromium (no sandbox: CI containers run as root). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] })
}

/**
 * A page that records every JavaScript dialog (an `alert` from injected markup would be one) and every
 * console error or CSP violation, so a test can assert there were none.
 */
export async function watchedPage(browser: Browser): Promise<{ page: Page; dialogs: string[]; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1100, height: 640 } })
  const dialogs: string[] = []
  const errors: string[] = []
  page.on('dialog', (d) => {
    dialogs.push(d.message())
    void d.dismiss()
  })
  page.on('pageerror', (e) => errors.push(e.message))
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text())
  })
  return { page, dialogs, errors }
}

/** Writes a screenshot of the page to docs/images/console-<name>.png when HYPERDELTA_SCREENSHOTS is set. */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = process.env.HYPERDELTA_SCREENSHOTS
  if (dir) await page.screenshot({ path: `${dir}/console-${name}.png`, fullPage: false })
}
