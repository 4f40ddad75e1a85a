import { employeeJson } from '../../output/record-json';
import { type RunFunction } from '../../cli/command-spec';
import { type IdInput } from './input';

import { employeeName } from './employee-view';

export const run: RunFunction<IdInput> = async (ctx, { id }) => {
  const { employee, oneTimePassword } = await (await ctx.backend()).employees.resetPassword(id);
  ctx.output.note('the one-time password is shown only this once; the employee must change it at next login');
  return {
    json: { ...(employeeJson(employee) as object), oneTimePassword },
    human: {
      kind: 'record',
      title: `reset the password of ${employeeName(employee)} <${employee.email}>; their sessions are ended`,
      fields: [
        ['id', String(employee.id)],
        ['one-time password', oneTimePassword as string],
      ],
    },
  };
};
