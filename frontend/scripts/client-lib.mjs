// Shared helpers: dump the live OpenAPI document from the Python app and generate the typed client.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FRONTEND = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const REPO = resolve(FRONTEND, '..');

/** Write the OpenAPI document of `create_app()` to `file` (sorted keys, stable output). */
export function dumpOpenApi(file) {
  const python = process.env.PARSIPAS_PYTHON || resolve(REPO, '.venv/bin/python');
  const code =
    'import json; from api.main import create_app; ' +
    'print(json.dumps(create_app().openapi(), indent=1, sort_keys=True, ensure_ascii=False))';
  const out = execFileSync(python, ['-c', code], {
    cwd: REPO,
    env: { ...process.env, PARSIPAS_ENV: process.env.PARSIPAS_ENV || 'dev' },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  writeFileSync(file, out);
}

/** Generate the hey-api fetch client from `input` into `output`. */
export async function generate(input, output) {
  const { createClient } = await import('@hey-api/openapi-ts');
  await createClient({
    input,
    output,
    plugins: ['@hey-api/typescript', '@hey-api/sdk', '@hey-api/client-fetch', '@tanstack/react-query'],
    logs: { level: 'silent' },
  });
}
