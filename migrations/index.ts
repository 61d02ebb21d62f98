import { CatalogAndAuth1763800000000 } from './1763800000000-catalog-and-auth';

/** Every migration, oldest first. `npm run migration:generate` writes a file here; add its class below. */
export const MIGRATIONS = [CatalogAndAuth1763800000000];
