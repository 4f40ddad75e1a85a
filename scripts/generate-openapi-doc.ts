import fs from 'node:fs';
import path from 'node:path';
import { renderOpenApiDocument } from '../src/server/openapi-document';
import { projectRoot } from './project-root';

/** Writes docs/openapi.json from the server's routes (`npm run docs:openapi`). */

void renderOpenApiDocument().then((document) => {
  const target = path.join(projectRoot(__dirname), 'docs', 'openapi.json');
  fs.writeFileSync(target, document);
  process.stdout.write(`wrote ${path.relative(process.cwd(), target) || target}\n`);
});
