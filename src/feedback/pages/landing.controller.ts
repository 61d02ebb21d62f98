import { Controller, Get, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CatalogService } from '../../catalog/catalog.service';
import { Public } from '../../platform/access/public.decorator';
import { AppConfig } from '../../platform/config/app-config';
import { renderLanding, type DemoPage } from './landing.views';
import { newNonce, sendPage } from './page-document';

/** `GET /`: where to go from here. Holds nothing that needs a key; the demo's own pages only in the demo. */
@ApiExcludeController()
@Public()
@Controller()
export class LandingController {
  constructor(
    private readonly catalog: CatalogService,
    private readonly config: AppConfig,
  ) {}

  @Get()
  async landing(@Res() reply: FastifyReply) {
    sendPage(reply, renderLanding(this.config.demoMode ? await this.demoPages() : [], newNonce()));
  }

  /** One QR page and one kiosk page of the contracts: a token is what a poster prints, and the demo's are no secret. */
  private async demoPages(): Promise<DemoPage[]> {
    const { items } = await this.catalog.list('touchpoints', { role: 'admin', clientId: null, siteId: null, keyId: null }, { page: 1, limit: 200 });
    const pages: DemoPage[] = [];
    for (const kind of ['qr', 'kiosk'] as const) {
      const touchpoint = items.find((t) => t.kind === kind);
      if (touchpoint) pages.push({ kind, key: String(touchpoint.key), path: `/${kind === 'kiosk' ? 'k' : 'r'}/${encodeURIComponent(String(touchpoint.token))}` });
    }
    return pages;
  }
}
