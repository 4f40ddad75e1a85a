import { PassThrough } from 'node:stream';
import { login } from '../../src/auth/session.service';
import { type CommandInput, type CommandSpec, type RunFunction } from '../../src/cli/command-spec';
import { CommandContext } from '../../src/cli/context';
import { resolveCaller } from '../../src/cli/run-command';
import { type MissingValue, type Prompter } from '../../src/cli/prompter';
import { type Database } from '../../src/database/database';
import { Output } from '../../src/output/output';
import { TEST_JWT_SECRET } from './cli';
import { type EmployeeRow, FACTORY_PASSWORD } from './factories';
import { type ServiceDatabase } from './service-database';

/**
 * A person at a terminal, in-process: the commands' run functions, after the runner's resolution
 * of the caller, with a scripted prompter (the only fake; the database and the session token are real), to check what is asked, with which
 * choices and validation, and that a refused caller is refused before any question.
 */
export class ScriptedPrompter implements Prompter {
  readonly interactive = true;
  asked: MissingValue[] = [];
  confirmations: string[] = [];
  constructor(
    private readonly answers: Record<string, string>,
    private readonly confirmation = true,
  ) {}
  async ask(missing: MissingValue[]): Promise<Record<string, string>> {
    this.asked.push(...missing);
    return Object.fromEntries(missing.map((m) => [m.flag, this.answers[m.flag]]));
  }
  async confirm(message: string): Promise<boolean> {
    this.confirmations.push(message);
    return this.confirmation;
  }
  async newPassword(): Promise<string> {
    throw new Error('not asked here');
  }
}

/** A context whose database is the test's own connection and whose session is a real access token. */
class TestContext extends CommandContext {
  constructor(
    prompter: Prompter,
    env: NodeJS.ProcessEnv,
    private readonly testDatabase: Database,
  ) {
    const output = new Output({ stdout: new PassThrough(), stderr: new PassThrough() }, { json: true, color: false });
    super('test', { json: true, color: false, yes: false }, output, prompter, env);
  }
  override db(): Promise<Database> {
    return Promise.resolve(this.testDatabase);
  }
  override async close(): Promise<void> {}
}

/** Runs one of `specs` by name as `who` (logged in once per employee) with `prompter` at the terminal. */
export function scriptedRunner(database: () => ServiceDatabase, specs: CommandSpec[]) {
  const tokens = new Map<number, string>();
  return async (command: string, who: EmployeeRow, prompter: Prompter, input: Partial<CommandInput> = {}) => {
    const sdb = database();
    const spec = specs.find((s) => s.name === command);
    if (!spec) throw new Error(`no command ${command}`);
    let token = tokens.get(who.id);
    if (!token) {
      const settings = { secret: TEST_JWT_SECRET, accessTtlSeconds: 900, refreshTtlSeconds: 3600 };
      token = (await login(sdb.db, who.email, FACTORY_PASSWORD, settings)).access.token;
      tokens.set(who.id, token);
    }
    const env = { ...sdb.testDb.env, EPICEVENTS_JWT_SECRET: TEST_JWT_SECRET, EPICEVENTS_TOKEN: token, EPICEVENTS_KEYCHAIN: 'off' };
    const ctx = new TestContext(prompter, env, sdb.db);
    const commandInput = { args: input.args ?? [], options: input.options ?? {} };
    // What runCommand does before the run function: the flags, the caller, and the early refusal.
    const parsed = spec.parse ? spec.parse(commandInput, { globals: ctx.globals, interactive: prompter.interactive }) : commandInput;
    const runFunction = (await spec.load()) as RunFunction<unknown>;
    await resolveCaller(spec, commandInput, ctx);
    return runFunction(ctx, parsed);
  };
}
