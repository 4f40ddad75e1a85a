import fs from 'node:fs';
import path from 'node:path';
import { renderOpenApiDocument } from '../src/server/openapi-document';

/** Writes docs/openapi.json from the server's routes (`npm run docs:openapi`). */
function projectRoot(start: string): string {
  let dir = start;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('package.json not found above the script');
    dir = parent;
  }
  return dir;
}

void renderOpenApiDocument().then((document) => {
  const target = path.join(projectRoot(__dirname), 'docs', 'openapi.json');
  fs.writeFileSync(target, document);
  process.stdout.write(`wrote ${path.relative(process.cwd(), target) || target}\n`);
});
