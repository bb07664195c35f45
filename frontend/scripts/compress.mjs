// Pre-compress the built assets (gzip, level 9) so the server sends them small without compressing per request.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'

const root = new URL('../dist/', import.meta.url).pathname
const exts = ['.js', '.css', '.html', '.svg', '.json', '.map', '.txt']
let count = 0
function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) walk(path)
    else if (exts.some((e) => name.endsWith(e)) && statSync(path).size > 1024) {
      writeFileSync(`${path}.gz`, gzipSync(readFileSync(path), { level: 9 }))
      count += 1
    }
  }
}
walk(root)
console.log(`compress: ${count} files gzipped`)
