import type { SiteSpec } from '../catalog/contract-file.schema';
import { generatedContract } from './generated-contract';

/** Test data: a generated site (entrance kiosk, restrooms with dispensers and tags, kitchens, air) moved to a given time zone. */
export function siteFactory(overrides: Partial<SiteSpec> = {}): SiteSpec {
  const [site] = generatedContract(1).spec.sites;
  return { ...site, ...overrides };
}
