import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DateTime } from 'luxon';
import { DataSource } from 'typeorm';
import { pickLanguage } from '../feedback/pages/language';
import { html } from '../feedback/pages/html';
import { newNonce, pageDocument } from '../feedback/pages/page-document';
import type { Principal } from '../platform/access/roles';
import { Clock } from '../platform/clock';
import { AppConfig } from '../platform/config/app-config';
import { appSecret } from '../platform/database/app-secrets';
import { DomainException, ErrorCode } from '../platform/errors/domain.exception';
import { reportHtml } from './html-report';
import { REPORT_TEXTS } from './report-texts';
import { ReportsService } from './reports.service';
import { ShareLinksRepository, type ShareLinkRow } from './share-links.repository';
import { signShareToken, verifyShareToken } from './share-token';

/** How long a link stands unless asked otherwise, and at most. */
export const SHARE_LINK_DAYS = { default: 30, max: 366 } as const;
/** How many months before the current one the page links to. */
const EARLIER_MONTHS = 12;
const REFRESH_SECONDS = 60;
const SECRET_NAME = 'share-links';

/** A link as its makers see it: the row without its client, its status now, and the page's address (give it to the client). */
export type ShareLinkView = Omit<ShareLinkRow, 'clientId'> & { status: 'active' | 'expired' | 'revoked'; url: string };

/** The live page as it is sent: its status and language (a 404 page for a token that does not stand). */
export interface SharePage {
  status: 200 | 404;
  language: string;
  body: string;
  /** The nonce of the page's script, for its Content-Security-Policy. */
  nonce?: string;
}

/**
 * Share links: signed, expiring, revocable tokens that show a contract's (or one site's) live
 * scorecard to whoever holds them, without an account, through the report's renderer. A token
 * that does not verify, has expired or was revoked is a 404 (the page does not say which).
 */
@Injectable()
export class ShareLinksService {
  private secret?: Promise<string>;

  constructor(
    private readonly links: ShareLinksRepository,
    private readonly reports: ReportsService,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  async create(who: Principal, contractKey: string, body: { site?: string; expiresInDays?: number; label?: string }): Promise<ShareLinkView & { token: string }> {
    const scope = await this.links.scope(who.clientId, contractKey, body.site);
    if (!scope) throw body.site === undefined ? DomainException.notFound('contract', contractKey) : new DomainException(ErrorCode.NotFound, `No site "${body.site}" in contract "${contractKey}".`);
    const now = this.clock.now();
    // Whole seconds: the token carries the expiry in seconds, and must name the row's exactly.
    const expiresAt = new Date(Math.floor(now.getTime() / 1000) * 1000 + (body.expiresInDays ?? SHARE_LINK_DAYS.default) * 86_400_000);
    const row = await this.links.create(scope, { label: body.label ?? null, createdBy: who.keyId, createdAt: now, expiresAt });
    const token = await this.tokenOf(row);
    return { ...this.view(row, now, token), token };
  }

  async list(who: Principal, contractKey: string): Promise<{ items: ShareLinkView[] }> {
    const scope = await this.links.scope(who.clientId, contractKey);
    if (!scope) throw DomainException.notFound('contract', contractKey);
    const now = this.clock.now();
    return { items: await Promise.all((await this.links.list(scope.clientId, scope.contractId)).map(async (row) => this.view(row, now, await this.tokenOf(row)))) };
  }

  /** Withdraws a link at once: its page answers 404 from the next request. */
  async revoke(who: Principal, contractKey: string, id: string): Promise<void> {
    const scope = await this.links.scope(who.clientId, contractKey);
    if (!scope || !(await this.links.revoke(scope.clientId, scope.contractId, id, this.clock.now()))) throw new DomainException(ErrorCode.NotFound, `No share link "${id}" for contract "${contractKey}".`);
  }

  /**
   * The live page of a token: the current month's scorecard (or an earlier month the page links
   * to), seen as the link's client sees it. A bad, expired or revoked token, or a month the page
   * does not offer, gets the 404 page in the visitor's language.
   */
  async page(token: string, period: string | undefined, acceptLanguage: string | undefined): Promise<SharePage> {
    const now = this.clock.now();
    const claims = verifyShareToken(await this.secretOf(), token, now);
    const link = claims ? await this.links.standing(claims.id, now) : undefined;
    // The row's expiry is the token's: a token re-signed with another expiry is not this link.
    if (!link || !claims || link.expiresAt.getTime() !== claims.expiresAt.getTime()) return this.notFound(acceptLanguage);
    const current = DateTime.fromJSDate(now, { zone: 'utc' }).toFormat('yyyy-MM');
    const months = Array.from({ length: EARLIER_MONTHS + 1 }, (_, i) => DateTime.fromJSDate(now, { zone: 'utc' }).minus({ months: i }).toFormat('yyyy-MM'));
    const shown = period ?? current;
    if (!months.includes(shown)) return this.notFound(acceptLanguage);
    const viewer: Principal = { role: 'client_viewer', clientId: link.clientId, siteId: null, keyId: null };
    const model = await this.reports.liveModel(viewer, link.contract, link.site ?? undefined, shown);
    const nonce = newNonce();
    const body = await reportHtml(model, {
      refreshSeconds: REFRESH_SECONDS,
      nonce,
      months: months.map((m) => ({ period: m, href: m === current ? `./${token}` : `./${token}?period=${m}`, current: m === shown })),
    });
    return { status: 200, language: model.language, body, nonce };
  }

  private notFound(acceptLanguage: string | undefined): SharePage {
    const language = pickLanguage(undefined, acceptLanguage, 'en');
    const t = REPORT_TEXTS[language].live;
    const body = pageDocument({ language, title: t.notFoundTitle, nonce: newNonce(), css: '', body: html`<main><h1>${t.notFoundTitle}</h1><p>${t.notFoundBody}</p></main>` });
    return { status: 404, language, body };
  }

  /** A link's token: its id and expiry, signed. */
  private async tokenOf(row: ShareLinkRow): Promise<string> {
    return signShareToken(await this.secretOf(), { id: row.id, expiresAt: row.expiresAt });
  }

  private view(row: ShareLinkRow, now: Date, token: string): ShareLinkView {
    const status = row.revokedAt ? 'revoked' : row.expiresAt.getTime() <= now.getTime() ? 'expired' : 'active';
    const { id, contract, site, label, createdAt, expiresAt, revokedAt } = row;
    return { id, contract, site, label, createdAt, expiresAt, revokedAt, status, url: `${this.config.publicUrl.replace(/\/$/, '')}/s/${token}` };
  }

  private secretOf(): Promise<string> {
    this.secret ??= appSecret(this.dataSource, SECRET_NAME).catch((error: unknown) => {
      this.secret = undefined;
      throw error;
    });
    return this.secret;
  }
}
