import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The trigger that lets an event name only a signed contract looked the contract up by its id
 * alone. Since the Tenants migration a contract's key is (tenant_id, id): under row security the
 * policy adds the tenant and the lookup is one index probe, but a session that bypasses it (a
 * superuser's bulk load, an administrator) scanned the signed-contracts index for each event: at
 * a million contracts, 200 events on contracts numbered above 900 000 spent 4.35 s in the trigger,
 * 2.4 ms once the tenant is named (docs/performance.md). It now names the event's tenant,
 * which the composite foreign key already ties to the contract's (and which a sharded database
 * needs to route the lookup).
 */
export class SignedContractByTenant1796400000000 implements MigrationInterface {
  name = 'SignedContractByTenant1796400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(signedContractCheck('tenant_id = NEW.tenant_id AND id = NEW.contract_id'));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(signedContractCheck('id = NEW.contract_id'));
  }
}

function signedContractCheck(contractCondition: string): string {
  return `
    CREATE OR REPLACE FUNCTION events_need_signed_contract() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM contracts WHERE ${contractCondition} AND is_signed) THEN
        RAISE EXCEPTION 'contract % is not signed', NEW.contract_id USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $$`;
}
