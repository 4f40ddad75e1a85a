import fs from 'node:fs';
import path from 'node:path';
import { renderPermissionsDoc } from '../src/permissions/permissions-doc';
import { projectRoot } from './project-root';

/** Writes docs/permissions.md from the permission matrix (`npm run docs:permissions`). */

const target = path.join(projectRoot(__dirname), 'docs', 'permissions.md');
fs.mkdirSync(path.dirname(target), { recursive: true });
fs.writeFileSync(target, renderPermissionsDoc());
process.stdout.write(`wrote ${path.relative(process.cwd(), target) || target}\n`);
