import { Injectable } from '@nestjs/common';
import { CatalogService } from '../../catalog/catalog.service';
import { isLanguage } from './language';
import type { Principal } from '../../platform/access/roles';
import { AppConfig } from '../../platform/config/app-config';
import { newNonce, type RenderedPage } from './page-document';
import { qrSvg, touchpointUrl } from './qr-code';
import { renderPosters } from './qr-posters.views';

/** QR codes of touchpoints and the printable posters that carry them, within the caller's client. */
@Injectable()
export class QrCodesService {
  constructor(
    private readonly catalog: CatalogService,
    private readonly config: AppConfig,
  ) {}

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
