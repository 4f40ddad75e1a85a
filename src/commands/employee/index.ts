import { EXPECTED_VERSION_OPTION } from '../shared/expected-version';
import { type CommandSpec } from '../../cli/command-spec';
import { PAGE_OPTIONS } from '../shared/pagination';

export const EMPLOYEE_COMMANDS: CommandSpec[] = [
  {
    name: 'employee list',
    summary: 'list active employees (or deactivated ones with --inactive)',
    options: [
      { flags: '--role <role>', description: 'only MANAGEMENT, SALES or SUPPORT' },
      { flags: '--inactive', description: 'list deactivated employees instead of active ones' },
      ...PAGE_OPTIONS,
    ],
    examples: ['epicevents employee list', 'epicevents employee list --role SUPPORT --json', 'epicevents employee list --inactive'],
    load: async () => (await import('./list')).run,
  },
  {
    name: 'employee show',
    summary: 'show one employee',
    args: '<id>',
    examples: ['epicevents employee show 3', 'epicevents employee show 3 --json'],
    load: async () => (await import('./show')).run,
  },
  {
    name: 'employee create',
    summary: 'create an employee (MANAGEMENT); without a password, a one-time password is printed once',
    options: [
      { flags: '--first-name <name>', description: 'first name' },
      { flags: '--last-name <name>', description: 'last name' },
      { flags: '--email <email>', description: 'email, used to log in (unique)' },
      { flags: '--role <role>', description: 'MANAGEMENT, SALES or SUPPORT' },
      { flags: '--phone <phone>', description: 'phone number, stored in E.164' },
      { flags: '--password-stdin', description: 'read the password from the first line of stdin instead of generating one' },
    ],
    examples: [
      'epicevents employee create',
      'epicevents employee create --first-name Bill --last-name Boquet --email bill@epic.events --role SALES',
      "printf '%s\\n' \"$PASSWORD\" | epicevents employee create --first-name Kate --last-name Hastings --email kate@epic.events --role SUPPORT --password-stdin --json",
    ],
    load: async () => (await import('./create')).run,
  },
  {
    name: 'employee update',
    summary: "change an employee's name, email, phone or role (MANAGEMENT)",
    args: '<id>',
    options: [
      { flags: '--first-name <name>', description: 'new first name' },
      { flags: '--last-name <name>', description: 'new last name' },
      { flags: '--email <email>', description: 'new email' },
      { flags: '--phone <phone>', description: 'new phone number ("" removes it)' },
      { flags: '--role <role>', description: 'new role; refused while they still own clients (SALES) or events (SUPPORT)' },
      EXPECTED_VERSION_OPTION,
    ],
    examples: [
      'epicevents employee update 4 --phone "+33 6 12 34 56 78"',
      'epicevents employee update 4 --role MANAGEMENT --json',
      'epicevents employee update 4 --email kate@epic.events --expected-version 2',
    ],
    load: async () => (await import('./update')).run,
  },
  {
    name: 'employee deactivate',
    summary: 'deactivate an employee: their access ends at once, their records stay (MANAGEMENT)',
    args: '<id>',
    examples: ['epicevents employee deactivate 4', 'epicevents employee deactivate 4 --json'],
    load: async () => (await import('./deactivate')).run,
  },
  {
    name: 'employee reactivate',
    summary: 'give a deactivated employee their access back (MANAGEMENT)',
    args: '<id>',
    examples: ['epicevents employee reactivate 4', 'epicevents employee reactivate 4 --json'],
    load: async () => (await import('./reactivate')).run,
  },
  {
    name: 'employee reset-password',
    summary: 'print a new one-time password once and end the employee\'s sessions (MANAGEMENT)',
    args: '<id>',
    examples: ['epicevents employee reset-password 4', 'epicevents employee reset-password 4 --json | jq -r .oneTimePassword'],
    load: async () => (await import('./reset-password')).run,
  },
  {
    name: 'employee delete',
    summary: 'delete an employee, handing their records to another of the same role (MANAGEMENT)',
    args: '<id>',
    options: [{ flags: '--reassign-to <id>', description: 'active employee of the same role who receives their clients, contracts or events' }],
    examples: ['epicevents employee delete 4', 'epicevents employee delete 4 --reassign-to 7 --yes', 'epicevents employee delete 4 --yes --json'],
    load: async () => (await import('./delete')).run,
  },
];
