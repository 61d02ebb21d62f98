import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The cleaning plan in force per zone (contract YAML `cleaning`), which operations derives tasks from. */
export class CleaningPlans1764500000000 implements MigrationInterface {
  name = 'CleaningPlans1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE zones ADD COLUMN cleaning_plan jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE zones DROP COLUMN cleaning_plan`);
  }
}
