import { type CsvImportRoute, type JsonRoute, type JsonSchema, type Noun, reviveJson, ROUTES, type WireRequest } from '../api/routes';
import { ServerConnection } from '../client/connection';
import { errorFromProblem } from '../client/problem-error';
import { readStreamedItems } from '../client/streamed-items';
import { unavailable } from '../errors/cli-error';
import { parseSearch } from '../validation/parse';
import { type Backend, type ClientImportOptions, type ClientsApi, type ImportRejection, type ImportSummary, type Page, type PageRequest } from './backend';
import { HttpSession, type HttpSessionEnvironment } from './http-session';

/**
 * The backend of server mode: every method of every noun is the request its entry of the route
 * catalog (src/api/routes.ts) encodes from the arguments, and the result is that entry's response
 * revived (dates from `format: date-time`). No path, parameter or schema is written here: the
 * catalog is the one description of the API, which the server serves from as well. A refusal comes
 * back as the CliError the server's services threw (src/client/problem-error.ts).
 */
export class HttpBackend implements Backend {
  private readonly connection: ServerConnection;
  readonly session: HttpSession;

  constructor(environment: HttpSessionEnvironment) {
    // The tenant it logged in to; a token from EPICEVENTS_TOKEN was not, and alone says which.
    const loggedInTenant = environment.config.envToken ? undefined : environment.server.tenant;
    this.connection = new ServerConnection(environment.server.address, loggedInTenant, environment.server.connection);
    this.session = new HttpSession(this.connection, environment);
  }

  readonly employees = this.noun('employees');
  readonly contracts = this.noun('contracts');
  readonly events = this.noun('events');
  readonly notifications = this.noun('notifications');
  readonly audit = this.noun('audit');
  readonly report = this.noun('report');
  readonly tenant = this.noun('tenant');
  readonly clients: ClientsApi = { ...this.noun('clients'), import: (csv, options) => this.importClients(csv, options) };

  close(): void {
    this.connection.close();
  }

  /** Every method of the noun, each calling its route. */
  private noun<N extends Noun>(noun: N): Backend[N] {
    const routes = ROUTES[noun] as unknown as Record<string, JsonRoute<Noun, never> | CsvImportRoute>;
    const methods: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
    for (const [name, route] of Object.entries(routes)) {
      if ('contentType' in route) continue; // the CSV upload, `importClients`
      methods[name] = (...args) => this.call(route as unknown as JsonRoute<Noun, never>, args);
    }
    return methods as unknown as Backend[N];
  }

  private async call(route: JsonRoute<Noun, never>, args: unknown[]): Promise<unknown> {
    const wire = (route.encode as (...values: unknown[]) => WireRequest)(...args);
    // A search text travels in the URL: checked by the services' own rule first, so that one no
    // server would take is the one-line refusal naming it, as in direct mode, not a URL refused as too long.
    if (wire.query.search !== undefined) parseSearch(wire.query.search);
    const limit = largePageLimit(route, args);
    if (limit !== undefined) return this.callInPages(route, args, limit);
    const json = await this.connection.json<unknown>({
      method: route.method,
      path: fillPath(route.path, wire.params),
      query: queryText(wire.query),
      json: wire.body,
      token: await this.session.accessToken(),
    });
    return resultOf(route.schema.response, json);
  }

  /**
   * A page larger than the API serves at once (an export reads 1 000 rows at a time): read as
   * consecutive pages of the API's largest size, which keyset paging makes one page.
   */
  private async callInPages(route: JsonRoute<Noun, never>, args: unknown[], limit: number): Promise<Page<unknown>> {
    const [filters, page] = args as [unknown, PageRequest];
    const items: unknown[] = [];
    let cursor = page.cursor;
    while (items.length < limit) {
      const part = (await this.call(route, [filters, { limit: Math.min(API_PAGE_LIMIT, limit - items.length), cursor }])) as Page<unknown>;
      items.push(...part.items);
      cursor = part.nextCursor;
      if (cursor === undefined) return { items };
    }
    return { items, nextCursor: cursor };
  }

  /**
   * Uploads the CSV as it is read (`text/csv`) and reads the answer as it is written: each batch
   * reaches `onRejected` (its rejected lines) and `onProgress` (the lines done) as soon as the
   * server has it in the database, then the counts.
   */
  private async importClients(csv: NodeJS.ReadableStream, options: ClientImportOptions): Promise<ImportSummary> {
    const route = ROUTES.clients.import;
    const response = await this.connection.send({
      method: route.method,
      path: route.path,
      query: queryText(route.encode({ skipInvalid: options.skipInvalid }).query),
      token: await this.session.accessToken(),
      upload: { stream: csv, contentType: route.contentType },
    });
    const answer = await readStreamedItems(this.connection.chunks(response), async (items) => {
      const { batches } = reviveJson(route.schema.response, { batches: items }) as { batches: { lines: number; rejected: ImportRejection[] }[] };
      for (const batch of batches) {
        if (batch.rejected.length > 0) await options.onRejected(batch.rejected);
        options.onProgress?.(batch.lines);
      }
    });
    if (answer.error !== undefined) {
      throw errorFromProblem(JSON.stringify(answer.error)) ?? unavailable(`the server at ${this.connection.server.origin} ended the import with an error it did not describe`);
    }
    const { lines, imported, rejectedLines, refused } = answer as unknown as ImportSummary;
    return { lines, imported, rejectedLines, refused };
  }
}

/** What one request of a list may ask for (PAGE_QUERY's `limit` in the catalog). */
const API_PAGE_LIMIT = 500;

/** The limit of a list call that asks for more than one request may: undefined for any other call. */
function largePageLimit(route: JsonRoute<Noun, never>, args: unknown[]): number | undefined {
  const page = args[1] as Partial<PageRequest> | undefined;
  const paged = route.method === 'GET' && typeof page?.limit === 'number' && isPageSchema(route.schema.response);
  return paged && (page as PageRequest).limit > API_PAGE_LIMIT ? (page as PageRequest).limit : undefined;
}

const isPageSchema = (schema: JsonSchema) => Boolean((schema.properties as Record<string, unknown> | undefined)?.nextCursor);

/** `/v1/clients/{id}` with its parameters, each escaped. */
function fillPath(path: string, params: Record<string, unknown>): string {
  return path.replace(/\{([A-Za-z]+)\}/g, (_, name: string) => encodeURIComponent(String(params[name])));
}

function queryText(query: Record<string, unknown> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(query ?? {}).filter(([, value]) => value !== undefined).map(([key, value]) => [key, String(value)]));
}

/**
 * The method's result from the response. The API answers objects only, so a result that is a list
 * or a number travels as the one member of an object (`{"items": […]}`, `{"marked": 3}`): such a
 * response, whose schema has a single member that is not an object, stands for that member.
 */
function resultOf(schema: JsonSchema, json: unknown): unknown {
  const revived = reviveJson(schema, json);
  const members = Object.entries((schema.properties ?? {}) as Record<string, JsonSchema>);
  if (members.length === 1 && members[0][1].type !== 'object') return (revived as Record<string, unknown>)[members[0][0]];
  return revived;
}
