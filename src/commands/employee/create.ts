import { employeeJson } from '../../output/record-json';
import { type RunFunction } from '../../cli/command-spec';
import { readStdinLines } from '../../cli/prompter';
import { ROLES } from '../../domain/roles';

import { parseFirstName, parseLastName } from '../../validation/employee-fields';
import { parseEmail } from '../../validation/parse';
import { flagSet, flagString } from '../shared/flags';
import { requireValues } from '../shared/required-values';
import { employeeFields } from './employee-view';

export const run: RunFunction = async (ctx, { options }) => {
  const values = await requireValues(ctx, options, [
    { option: 'firstName', flag: '--first-name', message: 'First name', parse: parseFirstName },
    { option: 'lastName', flag: '--last-name', message: 'Last name', parse: parseLastName },
    { option: 'email', flag: '--email', message: 'Email (used to log in)', parse: parseEmail },
    { option: 'role', flag: '--role', message: 'Role', choices: ROLES.map((role) => ({ name: role, value: role })) },
  ]);
  const password = flagSet(options, 'passwordStdin') ? (await readStdinLines(1, ctx.stdin))[0] : undefined;
  const { employee, oneTimePassword } = await (await ctx.backend()).employees.create({
    ...values,
    phone: flagString(options, 'phone'),
    password,
  });
  const fields = employeeFields(employee);
  if (oneTimePassword) fields.push(['one-time password', oneTimePassword]);
  if (oneTimePassword) ctx.output.note('the one-time password is shown only this once; the employee must change it at first login');
  return {
    json: oneTimePassword ? { ...(employeeJson(employee) as object), oneTimePassword } : employeeJson(employee),
    human: { kind: 'record', fields, title: `created employee ${employee.id}` },
  };
};
