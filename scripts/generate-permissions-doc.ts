import fs from 'node:fs';
import path from 'node:path';
import { renderPermissionsDoc } from '../src/permissions/permissions-doc';

/** Writes docs/permissions.md from the permission matrix (`npm run docs:permissions`). */
function projectRoot(start: string): string {
  let dir = start;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('package.json not found above the script');
    dir = parent;
  }
  return dir;
}

const target = path.join(projectRoot(__dirname), 'docs', 'permissions.md');
fs.mkdirSync(path.dirname(target), { recursive: true });
fs.writeFileSync(target, renderPermissionsDoc());
process.stdout.write(`wrote ${path.relative(process.cwd(), target) || target}\n`);
