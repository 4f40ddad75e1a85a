import { type CommandInput, type ParseContext } from '../../cli/command-spec';
import { missingFlags } from '../../cli/prompter';
import { isTenantSlug, TENANT_SLUG_RULE } from '../../domain/tenancy';
import { usageError, validationError } from '../../errors/cli-error';
import { parseEmail } from '../../validation/parse';
import { flagString } from '../shared/flags';
import { FIRST_MANAGER_FIELDS, type FirstManagerFlag } from '../shared/manager-fields';

export { FIRST_MANAGER_FIELDS, type FirstManagerFlag };

/** The parse steps of `login`, `init` and `password change`: off a terminal, what is missing is exit 2 before anything opens. */

export interface LoginInput {
  /** Undefined when it is to be asked on a terminal. */
  email?: string;
  passwordStdin: boolean;
  printToken: boolean;
}

export function parseLogin({ options }: CommandInput, how: ParseContext): LoginInput {
  const email = flagString(options, 'email');
  const tenant = flagString(options, 'tenant');
  if (tenant !== undefined && !isTenantSlug(tenant)) {
    throw validationError(`--tenant must be a tenant's slug: ${TENANT_SLUG_RULE} (got "${tenant.slice(0, 40)}")`);
  }
  const passwordStdin = options.passwordStdin === true;
  if (!how.interactive && (email === undefined || !passwordStdin)) {
    throw missingFlags([...(email === undefined ? ['--email'] : []), ...(passwordStdin ? [] : ['--password-stdin'])]);
  }
  return { email: email === undefined ? undefined : parseEmail(email), passwordStdin, printToken: options.printToken === true };
}


export interface InitInput {
  given: Partial<Record<FirstManagerFlag, string>>;
  missing: FirstManagerFlag[];
  passwordStdin: boolean;
}

export function parseInit({ options }: CommandInput, how: ParseContext): InitInput {
  const flags = Object.keys(FIRST_MANAGER_FIELDS) as FirstManagerFlag[];
  const given: Partial<Record<FirstManagerFlag, string>> = {};
  for (const flag of flags) {
    const value = flagString(options, FIRST_MANAGER_FIELDS[flag].option);
    if (value !== undefined) given[flag] = FIRST_MANAGER_FIELDS[flag].parse(value, flag);
  }
  const missing = flags.filter((flag) => given[flag] === undefined);
  const passwordStdin = options.passwordStdin === true;
  if (!how.interactive && (missing.length > 0 || !passwordStdin)) throw missingFlags([...missing, ...(passwordStdin ? [] : ['--password-stdin'])]);
  return { given, missing, passwordStdin };
}

/** `--password-stdin`, or its earlier name `--stdin`; off a terminal, one of them is needed. */
export function parsePasswordChange({ options }: CommandInput, how: ParseContext): { fromStdin: boolean } {
  const fromStdin = options.passwordStdin === true || options.stdin === true;
  if (!fromStdin && !how.interactive) {
    throw usageError('missing --password-stdin', 'pipe the current and the new password, one per line, when not running on a terminal');
  }
  return { fromStdin };
}
