import { type RunFunction } from '../../cli/command-spec';
import { readStdinLines } from '../../cli/prompter';
import { requireActor } from '../../auth/authenticate';
import { assertAllowed } from '../../permissions/assert-allowed';
import { ROLES } from '../../domain/roles';
import { createEmployee } from '../../services/employee.service';
import { parseEmail, parseText } from '../../validation/parse';
import { flagSet, flagString, promptValidator } from '../shared/flags';
import { requireValues } from '../shared/required-values';
import { employeeFields, employeeJson } from './employee-view';

export const run: RunFunction = async (ctx, { options }) => {
  // Authenticate first: nobody is asked questions only to be refused at the end.
  const actor = await requireActor(ctx);
  assertAllowed(actor, 'employee.create'); // before any question: a refused caller is not asked anything
  const values = await requireValues(ctx, options, [
    { option: 'firstName', flag: '--first-name', message: 'First name', validate: promptValidator((v) => parseText(v, 'first name', 100)) },
    { option: 'lastName', flag: '--last-name', message: 'Last name', validate: promptValidator((v) => parseText(v, 'last name', 100)) },
    { option: 'email', flag: '--email', message: 'Email (used to log in)', validate: promptValidator((v) => parseEmail(v)) },
    { option: 'role', flag: '--role', message: 'Role', choices: ROLES.map((role) => ({ name: role, value: role })) },
  ]);
  const password = flagSet(options, 'passwordStdin') ? (await readStdinLines(1, ctx.stdin))[0] : undefined;
  const { employee, oneTimePassword } = await createEmployee(await ctx.db(), actor, {
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
