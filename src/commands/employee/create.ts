import { employeeJson } from '../../output/record-json';
import { type RunFunction } from '../../cli/command-spec';
import { readStdinLines } from '../../cli/prompter';
import { ROLES } from '../../domain/roles';
import { requireValues } from '../shared/required-values';
import { employeeFields } from './employee-view';
import { type EmployeeCreateInput, NEW_EMPLOYEE_VALUES } from './input';

export const run: RunFunction<EmployeeCreateInput> = async (ctx, { given, phone, passwordStdin }) => {
  const [firstName, lastName, email, role] = NEW_EMPLOYEE_VALUES;
  const values = await requireValues(ctx, given, [firstName, lastName, email, { ...role, choices: ROLES.map((r) => ({ name: r, value: r })) }]);
  const password = passwordStdin ? (await readStdinLines(1, ctx.stdin))[0] : undefined;
  const { employee, oneTimePassword } = await (await ctx.backend()).employees.create({
    ...values,
    phone,
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
