import { type CommandSpec } from '../cli/command-spec';
import { type NounSpec } from '../cli/program';
import { DB_COMMANDS } from './db';

/** Every noun of the CLI, in the order `--help` lists them. */
export const NOUNS: NounSpec[] = [
  { name: 'db', summary: 'schema migrations, demo data and database roles' },
];

/** Every command. Adding one touches its noun folder and this list. */
export const CATALOG: CommandSpec[] = [...DB_COMMANDS];
