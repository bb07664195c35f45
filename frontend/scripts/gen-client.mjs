// npm run gen:client — refresh openapi.json from the Python app and regenerate src/client.
import { resolve } from 'node:path';
import { FRONTEND, dumpOpenApi, generate } from './client-lib.mjs';

const spec = resolve(FRONTEND, 'openapi.json');
dumpOpenApi(spec);
await generate(spec, resolve(FRONTEND, 'src/client'));
console.log('src/client regenerated from the live OpenAPI document');
