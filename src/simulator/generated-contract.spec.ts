import { parseContractFile } from '../catalog/contract-file';
import { generatedContract, generatedContractYaml } from './generated-contract';

describe(generatedContract.name, () => {
  it('writes a contract the service loads, with the sites asked for across several time zones', () => {
    const yaml = generatedContractYaml(50);
    const sut = parseContractFile('generated.yaml', yaml).spec;
    expect(sut.sites).toHaveLength(50);
    expect(new Set(sut.sites.map((s) => s.key)).size).toBe(50);
    expect(new Set(sut.sites.map((s) => s.timeZone)).size).toBeGreaterThanOrEqual(8);
    const touchpoints = sut.sites.flatMap((s) => s.zones.flatMap((z) => z.touchpoints.map((t) => t.key)));
    expect(new Set(touchpoints).size).toBe(touchpoints.length);
    // Every site has a kiosk terminal beside a kiosk touchpoint, and a check-in tag.
    for (const site of sut.sites) {
      const kioskZone = site.zones.find((z) => z.devices.some((d) => d.signals.includes('rating')));
      expect(kioskZone?.touchpoints.some((t) => t.kind === 'kiosk')).toBe(true);
      expect(site.zones.some((z) => z.devices.some((d) => d.signals.includes('cleaning_checkin')))).toBe(true);
    }
  });

  it('depends only on the number of sites, so a written file matches later runs', () => {
    expect(generatedContractYaml(7)).toBe(generatedContractYaml(7));
    expect(generatedContract(7).spec.sites.map((s) => s.key)).toEqual(generatedContract(60).spec.sites.slice(0, 7).map((s) => s.key));
  });
});
