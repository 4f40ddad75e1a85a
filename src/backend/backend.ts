/**
 * What a command may ask of the CRM: one interface per noun, whose methods are the domain
 * operations the commands perform. Commands depend on this file only (types, nothing at run time)
 * and never know which implementation they were given: `InProcessBackend` (src/backend/in-process.ts)
 * runs the services on a database in this process; `HttpBackend` (src/backend/http.ts) calls the
 * server's API (server mode).
 *
 * Every method acts as the caller the runner resolved (the logged-in employee); the services
 * behind it check permissions again, whatever the implementation. Inputs and outputs are plain
 * data that survive JSON (records hold `Date`s, which a JSON transport revives); the only stream
 * is the CSV input of `clients.import`, and its callbacks report progress as it is read.
 */
import { type Actor } from '../auth/actor';
import { type StoreKind } from '../auth/credential-store';
import { type OwnedRecords } from '../domain/owned-records';
import { type ScheduledEvent } from '../domain/schedule';
import { type AuditFilters, type AuditRecord } from '../services/audit-query.service';
import { type ImportRejection, type ImportSummary } from '../services/client-import.service';
import { type ClientChanges, type ClientFilters, type ClientRecord, type NewClient } from '../services/client.service';
import { type ClientChoice, type ContractChanges, type ContractFilters, type ContractRecord, type NewContract } from '../services/contract.service';
import {
  type DeletedEmployee,
  type EmployeeChanges,
  type EmployeeFilters,
  type EmployeeRecord,
  type EmployeeWithPassword,
  type NewEmployee,
} from '../services/employee.service';
import { type EventChanges, type EventFilters, type EventRecord, type NewEvent, type SupportChoice } from '../services/event.service';
import { type NotificationRecord } from '../services/notification.service';
import { type Page, type PageRequest } from '../services/pagination';
import {
  type ContractFigures,
  type ManagementReport,
  type MonthFigure,
  type Report,
  type ReportClock,
  type ReportEvent,
  type SalesReport,
  type SupportReport,
} from '../services/report.service';
import { type NewManager } from '../auth/session.service';
import { type TenantAccount } from '../services/tenant.service';

export type {
  Actor,
  AuditFilters,
  AuditRecord,
  ClientChanges,
  ClientChoice,
  ClientFilters,
  ClientRecord,
  ContractChanges,
  ContractFigures,
  ContractFilters,
  ContractRecord,
  DeletedEmployee,
  EmployeeChanges,
  EmployeeFilters,
  EmployeeRecord,
  EmployeeWithPassword,
  EventChanges,
  EventFilters,
  EventRecord,
  ImportRejection,
  ImportSummary,
  ManagementReport,
  MonthFigure,
  NewClient,
  NewContract,
  NewEmployee,
  NewEvent,
  NewManager,
  NotificationRecord,
  OwnedRecords,
  Page,
  PageRequest,
  Report,
  ReportClock,
  ReportEvent,
  SalesReport,
  ScheduledEvent,
  StoreKind,
  SupportChoice,
  SupportReport,
  TenantAccount,
};

/** The employee a command runs as, and the session that says so. */
export interface Caller {
  actor: Actor;
  /** The slug of the tenant the session works in. */
  tenant: string;
  tokenExpiresAt: Date;
  credentialStore: StoreKind;
  /** The server the command goes through (its origin), in server mode; undefined in direct mode. */
  server?: string;
}

/** What a command may run despite (its spec's flags of the same names). */
export interface CallerOptions {
  allowPendingPasswordChange: boolean;
  allowTenantOutOfService: boolean;
}

export interface LoginResult {
  actor: Actor;
  accessToken: string;
  accessExpiresAt: Date;
  /** Where the session was kept; undefined when it was not kept (`login --print-token`). */
  credentialStore?: StoreKind;
  /** Unread notifications of the employee; counted only when the session was kept. */
  unreadNotifications?: number;
}

export interface SessionApi {
  /**
   * The employee behind the stored session or EPICEVENTS_TOKEN (renewed when its access token
   * expired), as the database says now; exit 3 otherwise, and while a password change is due
   * unless `allowPendingPasswordChange`; exit 4 while the tenant is out of service (trial ended,
   * suspended, cancelled) unless `allowTenantOutOfService` (in server mode the server refuses the
   * command's own request instead). Resolved once per command: later calls return it again.
   */
  caller(options: CallerOptions): Promise<Caller>;
  /** Logs in; with `keep`, the session is stored for the next commands. */
  login(email: string, password: string, options: { keep: boolean }): Promise<LoginResult>;
  /** Ends the stored login (or EPICEVENTS_TOKEN's) where it is enforced, then forgets the local copy; false when there was none. */
  logout(): Promise<boolean>;
  /** Changes the caller's password; every other login of the account ends. */
  changePassword(current: string, next: string): Promise<void>;
  unreadNotifications(): Promise<number>;
  /** `init`, first step: makes the database ready (the direct implementation migrates it); returns what it did, for the user. */
  prepareInit(): Promise<string | undefined>;
  /** Exit 6 once any employee exists: `init` says so before asking anything. */
  assertNotInitialised(): Promise<void>;
  /** `init`: the first MANAGEMENT account, only while there is no employee. */
  createFirstManager(input: NewManager): Promise<Actor>;
}

export interface EmployeesApi {
  list(filters: EmployeeFilters, page: PageRequest): Promise<Page<EmployeeRecord>>;
  show(id: number): Promise<EmployeeRecord>;
  create(input: NewEmployee): Promise<EmployeeWithPassword>;
  update(id: number, changes: EmployeeChanges): Promise<EmployeeRecord>;
  /** Also what the employee still owns, which deactivation keeps. */
  deactivate(id: number): Promise<{ employee: EmployeeRecord; stillOwns: OwnedRecords }>;
  reactivate(id: number): Promise<EmployeeRecord>;
  resetPassword(id: number): Promise<EmployeeWithPassword>;
  delete(id: number, options: { reassignTo?: number }): Promise<DeletedEmployee>;
}

export interface ClientImportOptions {
  skipInvalid: boolean;
  /** The problems of each batch of lines, in line order, as soon as they are known. */
  onRejected: (rejections: ImportRejection[]) => void | Promise<void>;
  /** Data lines the database has taken so far (imported, or rejected and reported), after each batch. */
  onProgress?: (linesDone: number) => void;
}

export interface ClientsApi {
  list(filters: ClientFilters, page: PageRequest): Promise<Page<ClientRecord>>;
  show(id: number): Promise<ClientRecord>;
  create(input: NewClient): Promise<ClientRecord>;
  /** `changes.expectedVersion` refuses the write (exit 6) unless the client is still at that version. */
  update(id: number, changes: ClientChanges): Promise<ClientRecord>;
  delete(id: number): Promise<ClientRecord>;
  /** Clients from CSV bytes (header full_name,email,phone,company_name); they become the caller's. */
  import(csv: NodeJS.ReadableStream, options: ClientImportOptions): Promise<ImportSummary>;
  /** The most recently updated clients, for the picker of `contract create`. */
  recent(): Promise<ClientChoice[]>;
}

export type ContractUpdate = ContractChanges & { expectedVersion?: number };

export interface ContractsApi {
  list(filters: ContractFilters, page: PageRequest): Promise<Page<ContractRecord>>;
  show(id: number): Promise<ContractRecord>;
  create(input: NewContract): Promise<ContractRecord>;
  update(id: number, changes: ContractUpdate): Promise<ContractRecord>;
  sign(id: number): Promise<ContractRecord>;
  /** A payment (an amount string with two decimals); the amount due never goes below zero. */
  pay(id: number, amount: string): Promise<ContractRecord>;
  delete(id: number): Promise<ContractRecord>;
}

export type EventUpdate = EventChanges & {
  expectedVersion?: number;
  /** Let the support person be at another event at the same time. */
  allowOverlap?: boolean;
};

export interface EventsApi {
  list(filters: EventFilters, page: PageRequest): Promise<Page<EventRecord>>;
  show(id: number): Promise<EventRecord>;
  create(input: NewEvent): Promise<EventRecord>;
  update(id: number, changes: EventUpdate): Promise<EventRecord>;
  delete(id: number): Promise<EventRecord>;
  /** Active SUPPORT employees for the picker; with a time slot, each says whether another of their events overlaps it. */
  supportPeople(slot?: ScheduledEvent): Promise<SupportChoice[]>;
}

export interface NotificationsApi {
  list(options: { unreadOnly: boolean }, page: PageRequest): Promise<Page<NotificationRecord>>;
  read(id: number): Promise<NotificationRecord>;
  /** Marks every unread one read; returns how many. */
  readAll(): Promise<number>;
}

export interface AuditApi {
  list(filters: AuditFilters, page: PageRequest): Promise<Page<AuditRecord>>;
}

export interface ReportApi {
  /** The dashboard for the caller's role; months and weeks counted in `clock.timeZone`. */
  build(clock: ReportClock): Promise<Report>;
}

export interface TenantApi {
  /** The caller's tenant, its plan's limits and its usage; any role, in any state of the tenant. */
  show(): Promise<TenantAccount>;
}

export interface Backend {
  session: SessionApi;
  tenant: TenantApi;
  employees: EmployeesApi;
  clients: ClientsApi;
  contracts: ContractsApi;
  events: EventsApi;
  notifications: NotificationsApi;
  audit: AuditApi;
  report: ReportApi;
}
