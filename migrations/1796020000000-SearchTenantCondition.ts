import { type MigrationInterface, type QueryRunner } from 'typeorm';

const TENANT_SETTING = `NULLIF(current_setting('app.tenant_id', true), '')::bigint`;

/**
 * The search functions compare the tenant as a plain condition, `tenant_id = <tenant>`, instead of
 * `tenant_id + 0 = <tenant>`, which kept it out of every index. Each search is planned with its
 * pattern and the tenant's value (EXECUTE … USING, the setting read at planning), so the planner
 * now chooses per tenant: for a small tenant in a large table it ANDs the tenant's range of a
 * B-tree index with the trigram matches and rechecks only that tenant's rows; for a tenant holding
 * most of the table it keeps the tenant as a filter, as before. Only the two function bodies
 * change (owner, grants and SECURITY DEFINER stay): no table is touched.
 */
export class SearchTenantCondition1796020000000 implements MigrationInterface {
  name = 'SearchTenantCondition1796020000000';

  async up(q: QueryRunner): Promise<void> {
    await replaceSearchFunctions(q, '');
  }

  async down(q: QueryRunner): Promise<void> {
    await replaceSearchFunctions(q, ' + 0');
  }
}

/** The functions of the Tenants migration, with `tenantOffset` after the searched table's tenant_id. */
async function replaceSearchFunctions(q: QueryRunner, tenantOffset: string): Promise<void> {
  await q.query(`
    CREATE OR REPLACE FUNCTION matching_client_ids(pattern text) RETURNS SETOF integer
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    BEGIN
      RETURN QUERY EXECUTE $search$
        SELECT c.id FROM public.clients c
         WHERE c.tenant_id${tenantOffset} = ${TENANT_SETTING}
           AND (c.full_name ILIKE $1 ESCAPE '\\' OR c.email ILIKE $1 ESCAPE '\\' OR c.company_name ILIKE $1 ESCAPE '\\')
      $search$ USING pattern;
    END $$`);
  await q.query(`
    CREATE OR REPLACE FUNCTION matching_event_ids(pattern text) RETURNS SETOF integer
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    BEGIN
      RETURN QUERY EXECUTE $search$
        SELECT e.id FROM public.events e
         WHERE e.tenant_id${tenantOffset} = ${TENANT_SETTING}
           AND (e.name ILIKE $1 ESCAPE '\\' OR e.location ILIKE $1 ESCAPE '\\')
        UNION
        SELECT e.id FROM public.contracts k
          JOIN public.events e ON e.tenant_id = k.tenant_id AND e.contract_id = k.id
         WHERE k.tenant_id = ${TENANT_SETTING}
           AND k.client_id = ANY(ARRAY(SELECT public.matching_client_ids($1)))
      $search$ USING pattern;
    END $$`);
}
