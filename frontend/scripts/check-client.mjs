// Fails when src/client differs from a client generated from a fresh OpenAPI dump ("client is stale").
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { FRONTEND, dumpOpenApi, generate } from './client-lib.mjs';

function files(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...files(p));
    else out.push(p);
  }
  return out;
}

const tmp = mkdtempSync(join(tmpdir(), 'parsipas-client-'));
try {
  const spec = join(tmp, 'openapi.json');
  dumpOpenApi(spec);
  const fresh = join(tmp, 'client');
  await generate(spec, fresh);
  const current = resolve(FRONTEND, 'src/client');
  const a = new Map(files(fresh).map((f) => [relative(fresh, f), readFileSync(f, 'utf8')]));
  const b = new Map(files(current).map((f) => [relative(current, f), readFileSync(f, 'utf8')]));
  const problems = [];
  for (const [name, text] of a) {
    if (!b.has(name)) problems.push(`missing: ${name}`);
    else if (b.get(name) !== text) problems.push(`differs: ${name}`);
  }
  for (const name of b.keys()) if (!a.has(name)) problems.push(`extra: ${name}`);
  if (problems.length) {
    console.error('Client is stale (src/client ≠ client generated from the live OpenAPI). Run `npm run gen:client`.');
    for (const p of problems) console.error('  ' + p);
    process.exit(1);
  }
  console.log(`client is up to date (${a.size} files)`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
