import { type CommandContext } from '../../cli/context';
import { type CommandInput, type ParseContext } from '../../cli/command-spec';
import { missingFlags, readStdinLines } from '../../cli/prompter';
import { passwordPolicyError } from '../../validation/password-policy';
import { parsePlan, parseTenantName } from '../../validation/tenant-fields';
import { FIRST_MANAGER_FIELDS } from './manager-fields';
import { flagString, promptValidator } from './flags';

/**
 * What `signup` and `platform tenant create` both ask: a company's name (`--company` or `--name`),
 * its first manager (the fields of `init`) and a password; a plan. Given flags are checked at
 * once; on a terminal the missing ones are asked, off one they are exit 2 before anything opens.
 */
export const NEW_TENANT_FIELDS = {
  ...FIRST_MANAGER_FIELDS,
  '--company': { option: 'company', message: "Company's name", parse: parseTenantName },
  '--name': { option: 'name', message: "Company's name", parse: parseTenantName },
  '--plan': { option: 'plan', message: 'Plan (STARTER, PROFESSIONAL or ENTERPRISE)', parse: parsePlan },
} as const;

export type NewTenantFlag = keyof typeof NEW_TENANT_FIELDS;

export interface NewTenantInput {
  given: Partial<Record<NewTenantFlag, string>>;
  missing: NewTenantFlag[];
  passwordStdin: boolean;
}

/** `required`: the flags this command needs (a flag not listed, such as signup's `--plan`, is optional). */
export function parseNewTenant({ options }: CommandInput, how: ParseContext, required: NewTenantFlag[], optional: NewTenantFlag[] = []): NewTenantInput {
  const given: Partial<Record<NewTenantFlag, string>> = {};
  for (const flag of [...required, ...optional]) {
    const value = flagString(options, NEW_TENANT_FIELDS[flag].option);
    if (value !== undefined) given[flag] = String(NEW_TENANT_FIELDS[flag].parse(value, flag));
  }
  const missing = required.filter((flag) => given[flag] === undefined);
  const passwordStdin = options.passwordStdin === true;
  if (!how.interactive && (missing.length > 0 || !passwordStdin)) throw missingFlags([...missing, ...(passwordStdin ? [] : ['--password-stdin'])]);
  return { given, missing, passwordStdin };
}

/** The missing values asked (each checked as typed), then the password: from stdin, or asked twice with the policy. */
export async function completeNewTenant(ctx: CommandContext, input: NewTenantInput): Promise<{ values: Partial<Record<NewTenantFlag, string>>; password: string }> {
  const asWords = (flag: NewTenantFlag, answer: string) => String(NEW_TENANT_FIELDS[flag].parse(answer, { field: NEW_TENANT_FIELDS[flag].option }));
  const questions = input.missing.map((flag) => ({ flag, message: NEW_TENANT_FIELDS[flag].message, validate: promptValidator((answer) => asWords(flag, answer)) }));
  const answers = await ctx.prompter.ask(questions);
  const values = { ...input.given };
  for (const flag of input.missing) values[flag] = asWords(flag, answers[flag]);
  const password = input.passwordStdin
    ? (await readStdinLines(1, ctx.stdin))[0]
    : await ctx.prompter.newPassword("The first manager's password (at least 12 characters)", (v) => passwordPolicyError(v));
  return { values, password };
}
