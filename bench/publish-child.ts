/**
 * A child process that publishes one file through client.datasources.publish (upload session above 64 MB) and
 * prints one JSON line: peak RSS (the process's own high-water mark, see peak-rss.ts), time, and how many progress events the upload reported.
 * argv: <server url> <file> <name>
 */
import { TableauClient } from '../src/index.js'
import { BENCH_PAT } from './bench-data.js'
import { peakRssBytes } from './peak-rss.js'

const [url, file, name] = process.argv.slice(2)
const t0 = performance.now()
const client = await TableauClient.signIn({ server: url!, auth: { personalAccessToken: BENCH_PAT } })
let events = 0
let bytes = 0
const ds = await client.datasources.publish({
  name: name!,
  file: file!,
  mode: 'overwrite',
  onProgress: (p) => {
    events++
    bytes = p.bytes
  },
})
await client.close()
console.log(
  JSON.stringify({
    id: ds.id,
    ms: performance.now() - t0,
    events,
    bytes,
    maxRssMB: peakRssBytes() / 2 ** 20,
  }),
)
