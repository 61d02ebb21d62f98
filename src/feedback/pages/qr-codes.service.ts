import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { CatalogService } from '../../catalog/catalog.service';
import { isLanguage } from './language';
import type { Principal } from '../../platform/access/roles';
import { AppConfig } from '../../platform/config/app-config';
import { newNonce, type RenderedPage } from './page-document';
import { qrSvg, touchpointUrl } from './qr-code';
import { renderPosters } from './qr-posters.views';

/** QR codes of touchpoints and the printable posters that carry them, within the caller's client. */
@Injectable()
export class QrCodesService implements OnApplicationBootstrap {
  private readonly logger = new Logger(QrCodesService.name);

  constructor(
    private readonly catalog: CatalogService,
    private readonly config: AppConfig,
  ) {}

  /** Once at start-up: posters printed now would point at an address no occupant's phone reaches. */
  onApplicationBootstrap(): void {
    if (!this.config.publicUrlSet && !this.config.demoMode) {
      this.logger.warn(`PUBLIC_URL is not set: QR codes and posters point at ${this.config.publicUrl}, which occupants' phones cannot reach. Set PUBLIC_URL to the address they use before printing.`);
    }
  }

  async touchpointSvg(key: string, who: Principal): Promise<string> {
    const tp = await this.catalog.touchpointByKey(key, who.clientId);
    return qrSvg(touchpointUrl(this.config.publicUrl, tp));
  }

  async sitePosters(siteKey: string, who: Principal): Promise<RenderedPage> {
    const { site, touchpoints } = await this.catalog.siteWithTouchpoints(siteKey, who);
    const posters = await Promise.all(
      touchpoints
        .filter((tp) => tp.kind === 'qr')
        .map(async (tp) => {
          const url = touchpointUrl(this.config.publicUrl, tp);
          return { zoneName: tp.zoneName, url, svg: await qrSvg(url) };
        }),
    );
    const language = isLanguage(site.language) ? site.language : 'en';
    return renderPosters({ name: String(site.name), language }, posters, newNonce());
  }
}
