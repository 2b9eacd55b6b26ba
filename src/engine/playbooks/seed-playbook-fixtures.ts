/**
 * Test and bench fixture (accounts, contracts and users for playbook runs). Its rows are written
 * by the store (src/store/queries/seed-playbook-fixtures.ts); this name stays for the tests and
 * benches that import it from here.
 */
export { seedPlaybookFixtures } from '../../store/queries/seed-playbook-fixtures.ts';
