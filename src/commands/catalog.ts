import { type CommandSpec } from '../cli/command-spec';
import { type NounSpec } from '../cli/program';
import { AUDIT_COMMANDS } from './audit';
import { AUTH_COMMANDS } from './auth';
import { CLIENT_COMMANDS } from './client';
import { COMPLETION_COMMANDS } from './completion';
import { CONTRACT_COMMANDS } from './contract';
import { DB_COMMANDS } from './db';
import { EMPLOYEE_COMMANDS } from './employee';
import { EVENT_COMMANDS } from './event';
import { NOTIFICATION_COMMANDS } from './notification';
import { PLATFORM_COMMANDS } from './platform';
import { REPORT_COMMANDS } from './report';
import { SERVE_COMMANDS } from './serve';
import { TENANT_COMMANDS } from './tenant';
import { SIGNUP_COMMANDS } from './signup';
import { VERSION_COMMANDS } from './version';

/** Every noun of the CLI, in the order `--help` lists them. */
export const NOUNS: NounSpec[] = [
  { name: 'employee', summary: 'employees and their roles (writes: MANAGEMENT)' },
  { name: 'client', summary: 'clients, owned by a SALES employee' },
  { name: 'contract', summary: 'contracts: amounts, signature, payments' },
  { name: 'event', summary: 'events of signed contracts and their support person' },
  { name: 'notification', summary: 'your notifications' },
  { name: 'audit', summary: 'the audit trail of every write (MANAGEMENT)' },
  { name: 'tenant', summary: "your company's account: plan, status, limits and usage" },
  { name: 'password', summary: 'change your password' },
  { name: 'db', summary: 'schema migrations, demo data and database roles' },
  { name: 'platform', summary: "the platform operator's: tenants and counts (its own login)" },
];

/** Every command. Adding one touches its noun folder and this list. */
export const CATALOG: CommandSpec[] = [...AUTH_COMMANDS, ...EMPLOYEE_COMMANDS, ...CLIENT_COMMANDS, ...CONTRACT_COMMANDS, ...EVENT_COMMANDS, ...NOTIFICATION_COMMANDS, ...AUDIT_COMMANDS, ...DB_COMMANDS, ...REPORT_COMMANDS, ...TENANT_COMMANDS, ...SERVE_COMMANDS, ...SIGNUP_COMMANDS, ...PLATFORM_COMMANDS, ...COMPLETION_COMMANDS, ...VERSION_COMMANDS];
