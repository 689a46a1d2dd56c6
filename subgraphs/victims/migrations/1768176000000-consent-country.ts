import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Consent names its country: consular-contact consent is for the embassy of one country,
 * so it records which. Existing consents get the person's current nationality (the
 * country they were, in effect, given for); a consent row without a country is filled in
 * from the person's nationality when written, so no writer can leave it open. Who recorded
 * a decision is kept with their role, so other organisations can be shown organisation and
 * role instead of a user id.
 */
export class ConsentCountry1768176000000 implements MigrationInterface {
  name = "ConsentCountry1768176000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE consent ADD COLUMN country char(2)`);
    await queryRunner.query(`ALTER TABLE consent ADD COLUMN recorded_by_role text`);
    await queryRunner.query(
      `UPDATE consent c SET country = v.nationality FROM victim v WHERE v.id = c.victim_id AND c.kind = 'CONSULAR_CONTACT'`,
    );
    await queryRunner.query(`
      CREATE FUNCTION consent_country_default() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.kind = 'CONSULAR_CONTACT' AND NEW.country IS NULL THEN
          NEW.country := (SELECT nationality FROM victim WHERE id = NEW.victim_id);
        END IF;
        RETURN NEW;
      END $$`);
    await queryRunner.query(
      `CREATE TRIGGER consent_country_default BEFORE INSERT OR UPDATE ON consent FOR EACH ROW EXECUTE FUNCTION consent_country_default()`,
    );
    await queryRunner.query(
      `ALTER TABLE consent ADD CONSTRAINT consent_country_check CHECK ((kind = 'CONSULAR_CONTACT') = (country IS NOT NULL))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE consent DROP CONSTRAINT consent_country_check`);
    await queryRunner.query(`DROP TRIGGER consent_country_default ON consent`);
    await queryRunner.query(`DROP FUNCTION consent_country_default()`);
    await queryRunner.query(`ALTER TABLE consent DROP COLUMN recorded_by_role`);
    await queryRunner.query(`ALTER TABLE consent DROP COLUMN country`);
  }
}
