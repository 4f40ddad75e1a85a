import fs from 'node:fs';
import path from 'node:path';

/** The folder holding package.json above `start`: the scripts run from src/ and from dist/ alike. */
export function projectRoot(start: string): string {
  let dir = start;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('package.json not found above the script');
    dir = parent;
  }
  return dir;
}
