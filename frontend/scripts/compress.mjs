// Pre-compress the built assets so the server sends them small without compressing per request: a `.br` (brotli,
// quality 11) and a `.gz` (gzip, level 9) next to each text file over 1 KB. api/main.py sends the `.br` to browsers
// that accept brotli (all current ones over HTTPS, and on localhost), else the `.gz`, else the file itself.
// Usage: node scripts/compress.mjs [dist directory, default ../dist]
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'

const root = process.argv[2] ? resolve(process.argv[2]) : new URL('../dist/', import.meta.url).pathname
const exts = ['.js', '.css', '.html', '.svg', '.json', '.map', '.txt']
let count = 0
let raw = 0
let gz = 0
let br = 0
function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) walk(path)
    else if (exts.some((e) => name.endsWith(e)) && statSync(path).size > 1024) {
      const data = readFileSync(path)
      const g = gzipSync(data, { level: 9 })
      const b = brotliCompressSync(data, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: 11,
          [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
          [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
        },
      })
      writeFileSync(`${path}.gz`, g)
      writeFileSync(`${path}.br`, b)
      count += 1
      if (dir === join(root, 'assets')) {
        raw += data.length
        gz += g.length
        br += b.length
      }
    }
  }
}
walk(root)
const kb = (n) => `${(n / 1024).toFixed(1)} KB`
console.log(`compress: ${count} files → .gz and .br (assets/: ${kb(raw)} raw, ${kb(gz)} gzip, ${kb(br)} brotli)`)
