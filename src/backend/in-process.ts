import { type Actor, type ActorRow, assertTenantInService, toActor } from '../auth/actor';
import { assertNoPasswordChangeDue } from '../auth/current-actor';
import {
  type AuthenticatedSession,
  credentialStoreFor,
  resolveSession,
  type SessionEnvironment,
  tokenSettings,
} from '../auth/authenticate';
import { assertNotInitialised, bootstrapFirstManager, changePassword, login, logout } from '../auth/session.service';
import { verifyToken } from '../auth/tokens';
import { readCsv } from '../csv/csv-parser';
import { type Database } from '../database/database';
import { type SqlRunner } from '../database/sql-runner';
import { listAudit } from '../services/audit-query.service';
import { importClients } from '../services/client-import.service';
import { createClient, deleteClient, getClient, listClients, updateClient } from '../services/client.service';
import { createContract, deleteContract, getContract, listContracts, recentClients, recordPayment, signContract, updateContract } from '../services/contract.service';
import {
  createEmployee,
  deactivateEmployee,
  deleteEmployee,
  getEmployee,
  listEmployees,
  ownedRecords,
  reactivateEmployee,
  resetEmployeePassword,
  updateEmployee,
} from '../services/employee.service';
import { createEvent, deleteEvent, getEvent, listEvents, supportChoices, updateEvent } from '../services/event.service';
import { countUnread, listNotifications, markAllRead, markRead } from '../services/notification.service';
import { buildReport } from '../services/report.service';
import { tenantAccount } from '../services/tenant.service';
import { hasEmployees } from '../services/seed.service';
import { earlierDataDir } from '../config/config';
import { CliError, unauthenticated } from '../errors/cli-error';
import { type Backend, type Caller, type SessionApi } from './backend';

/** What the in-process backend needs from the process: the session's environment, and the database as it is (for `init`). */
export interface InProcessEnvironment extends SessionEnvironment {
  /** The database whatever its schema. */
  rawDb(): Promise<Database>;
}

/**
 * The backend of direct mode: the services, on the database this process opens (lazily, through
 * the environment), as the employee of the stored session.
 */
export class InProcessBackend implements Backend {
  private resolved?: Promise<AuthenticatedSession>;

  constructor(private readonly environment: InProcessEnvironment) {}

  /**
   * A refused login on a database without any employee: nobody can log in until `init` has made
   * the first manager. Said as such, naming the embedded folder (a wrong EPICEVENTS_DATA_DIR, or
   * the folder an earlier version used, is the usual reason), rather than "invalid email or password".
   */
  private async emptyDatabase(error: unknown): Promise<CliError | undefined> {
    if (!(error instanceof CliError) || error.code !== 'unauthenticated') return undefined;
    if (await hasEmployees(await this.environment.db())) return undefined;
    const { config } = this.environment;
    if (config.databaseUrl) return unauthenticated('the database has no employee yet', 'create the first manager with `epicevents init`');
    const earlier = earlierDataDir(config);
    return unauthenticated(
      `the embedded database in ${config.dataDir} has no employee yet`,
      earlier
        ? `an earlier version kept it in ${earlier}: set EPICEVENTS_DATA_DIR=${earlier} to use that one, or run \`epicevents init\` to start a new one here`
        : 'create the first manager with `epicevents init`, or set EPICEVENTS_DATA_DIR to the folder of an existing database',
    );
  }

  /** The stored session, resolved once per command. */
  private authenticated(): Promise<AuthenticatedSession> {
    this.resolved ??= resolveSession(this.environment);
    return this.resolved;
  }

  /** The database and the caller every noun's operation runs as. */
  private async as(): Promise<NounContext> {
    const { actor } = await this.authenticated();
    return { db: await this.environment.db(), actor };
  }

  private readonly nouns = inProcessNouns(() => this.as());
  readonly employees = this.nouns.employees;
  readonly clients = this.nouns.clients;
  readonly contracts = this.nouns.contracts;
  readonly events = this.nouns.events;
  readonly notifications = this.nouns.notifications;
  readonly audit = this.nouns.audit;
  readonly report = this.nouns.report;
  readonly tenant = this.nouns.tenant;

  readonly session: SessionApi = {
    caller: async ({ allowPendingPasswordChange, allowTenantOutOfService }): Promise<Caller> => {
      const session = await this.authenticated();
      if (!allowTenantOutOfService) assertTenantInService(session.actor);
      if (!allowPendingPasswordChange) assertNoPasswordChangeDue(session.actor);
      return { actor: session.actor, tenant: this.environment.config.tenant, tokenExpiresAt: session.accessExpiresAt, credentialStore: session.store };
    },

    login: async (email, password, { keep }) => {
      const settings = tokenSettings(this.environment);
      const db = await this.environment.db();
      const session = await login(db, email, password, settings).catch(async (error: unknown) => {
        throw (await this.emptyDatabase(error)) ?? error;
      });
      const result = { actor: session.actor, accessToken: session.access.token, accessExpiresAt: session.access.expiresAt };
      if (!keep) return result;
      const credentialStore = await credentialStoreFor(this.environment).save({ accessToken: session.access.token, refreshToken: session.refresh.token });
      return { ...result, credentialStore, unreadNotifications: await countUnread(db.manager, session.actor.id) };
    },

    // The refresh token is the one verified: it stays valid after the short-lived access token has expired.
    logout: async () => {
      const { config } = this.environment;
      const credentials = credentialStoreFor(this.environment);
      const loaded = config.envToken ? undefined : await credentials.load().catch(() => undefined);
      const token = config.envToken ?? loaded?.session.refreshToken;
      if (!token) {
        await credentials.clear();
        return false;
      }
      let familyId: string | undefined;
      try {
        familyId = verifyToken(tokenSettings(this.environment).secret, token, config.envToken ? 'access' : 'refresh').sid;
      } catch {
        familyId = undefined; // an expired or damaged token: nothing to revoke, only the local copy to remove
      }
      if (familyId) {
        const db = await this.environment.db();
        const [row] = await db.query<ActorRow>(
          `SELECT e.id, e.first_name, e.last_name, e.email, e.role, e.is_active, e.must_change_password
             FROM session_families f JOIN employees e ON e.id = f.employee_id WHERE f.id = $1`,
          [familyId],
        );
        await logout(db, row ? toActor(row) : undefined, familyId);
      }
      if (!config.envToken) await credentials.clear();
      return true;
    },

    changePassword: async (current, next) => {
      const session = await this.authenticated();
      await changePassword(await this.environment.db(), session.actor, session.familyId, current, next);
    },

    unreadNotifications: async () => {
      const { db, actor } = await this.as();
      return countUnread(db.manager, actor.id);
    },

    prepareInit: async () => {
      const db = await this.environment.rawDb();
      const applied = await db.migrate();
      return applied.length > 0 ? `${db.description}: applied ${applied.join(', ')}` : undefined;
    },

    assertNotInitialised: async () => assertNotInitialised((await this.environment.rawDb()).manager),

    createFirstManager: async (input) => bootstrapFirstManager(await this.environment.rawDb(), input),
  };
}

/** The database (or a request's transaction) and the employee the nouns' operations run as. */
export interface NounContext {
  db: SqlRunner;
  actor: Actor;
}

/** Every noun but the session: what the services do for an actor, with no credential store involved. */
export type Nouns = Omit<Backend, 'session'>;

/**
 * The nouns over the services, each operation run on what `as` resolves: the direct mode's
 * database and stored session, or a server request's transaction and caller.
 */
export function inProcessNouns(as: () => Promise<NounContext>): Nouns {
  return {
    employees: {
      list: async (filters, page) => as().then(({ db, actor }) => listEmployees(db, actor, filters, page)),
      show: async (id) => as().then(({ db, actor }) => getEmployee(db, actor, id)),
      create: async (input) => as().then(({ db, actor }) => createEmployee(db, actor, input)),
      update: async (id, changes) => as().then(({ db, actor }) => updateEmployee(db, actor, id, changes)),
      deactivate: async (id) => {
        const { db, actor } = await as();
        const employee = await deactivateEmployee(db, actor, id);
        return { employee, stillOwns: await ownedRecords(db, id) };
      },
      reactivate: async (id) => as().then(({ db, actor }) => reactivateEmployee(db, actor, id)),
      resetPassword: async (id) => as().then(({ db, actor }) => resetEmployeePassword(db, actor, id)),
      delete: async (id, options) => as().then(({ db, actor }) => deleteEmployee(db, actor, id, options)),
    },
    clients: {
      list: async (filters, page) => as().then(({ db, actor }) => listClients(db, actor, filters, page)),
      show: async (id) => as().then(({ db, actor }) => getClient(db, actor, id)),
      create: async (input) => as().then(({ db, actor }) => createClient(db, actor, input)),
      update: async (id, changes) => as().then(({ db, actor }) => updateClient(db, actor, id, changes)),
      delete: async (id) => as().then(({ db, actor }) => deleteClient(db, actor, id)),
      import: async (csv, options) => as().then(({ db, actor }) => importClients(db, actor, readCsv(csv), options)),
      recent: async () => as().then(({ db }) => recentClients(db)),
    },
    contracts: {
      list: async (filters, page) => as().then(({ db, actor }) => listContracts(db, actor, filters, page)),
      show: async (id) => as().then(({ db, actor }) => getContract(db, actor, id)),
      create: async (input) => as().then(({ db, actor }) => createContract(db, actor, input)),
      update: async (id, { expectedVersion, ...changes }) => as().then(({ db, actor }) => updateContract(db, actor, id, changes, expectedVersion)),
      sign: async (id) => as().then(({ db, actor }) => signContract(db, actor, id)),
      pay: async (id, amount) => as().then(({ db, actor }) => recordPayment(db, actor, id, amount)),
      delete: async (id) => as().then(({ db, actor }) => deleteContract(db, actor, id)),
    },
    events: {
      list: async (filters, page) => as().then(({ db, actor }) => listEvents(db, actor, filters, page)),
      show: async (id) => as().then(({ db, actor }) => getEvent(db, actor, id)),
      create: async (input) => as().then(({ db, actor }) => createEvent(db, actor, input)),
      update: async (id, { expectedVersion, allowOverlap, ...changes }) =>
        as().then(({ db, actor }) => updateEvent(db, actor, id, changes, expectedVersion, { allowOverlap })),
      delete: async (id) => as().then(({ db, actor }) => deleteEvent(db, actor, id)),
      supportPeople: async (slot) => as().then(({ db }) => supportChoices(db, slot)),
    },
    notifications: {
      list: async ({ unreadOnly }, page) => as().then(({ db, actor }) => listNotifications(db, actor, unreadOnly, page)),
      read: async (id) => as().then(({ db, actor }) => markRead(db, actor, id)),
      readAll: async () => as().then(({ db, actor }) => markAllRead(db, actor)),
    },
    audit: {
      list: async (filters, page) => as().then(({ db, actor }) => listAudit(db, actor, filters, page)),
    },
    report: {
      build: async (clock) => as().then(({ db, actor }) => buildReport(db, actor, clock)),
    },
    tenant: {
      show: async () => as().then(({ db }) => tenantAccount(db)),
    },
  };
}
