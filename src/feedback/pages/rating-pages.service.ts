import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { TouchpointView } from '../../catalog/catalog.types';
import { DomainException, ErrorCode } from '../../platform/errors/domain.exception';
import { RatingsService } from '../ratings.service';
import { polarityOf, scaleScores } from '../reasons';
import { renderKioskPage } from './kiosk-page.views';
import { pickLanguage } from './language';
import { MESSAGES, type Messages } from './messages';
import { newNonce, type RenderedPage } from './page-document';
import { followUpForm, formErrorMessage, formScore, rateForm, reportForm } from './rating-forms';
import {
  renderFollowUpPage,
  renderNotFoundPage,
  renderRatePage,
  renderReportPage,
  renderReportThanksPage,
  renderThanksPage,
  type PageScope,
} from './rating-page.views';

/** Who is asking: an explicit language choice (?lang or the form's), the browser's languages, and the client address (never stored). */
export interface Visitor {
  lang: unknown;
  acceptLanguage: string | undefined;
  address: string;
}

type Form = Record<string, unknown> | undefined;

const isDomain = (error: unknown, ...codes: ErrorCode[]): error is DomainException => error instanceof DomainException && codes.includes(error.code);
const STATUS: Partial<Record<ErrorCode, number>> = { [ErrorCode.NotFound]: 404, [ErrorCode.Conflict]: 409 };
const scoreMessage = (tp: TouchpointView, m: Messages) => (tp.scale === 'nps11' ? m.errors.chooseNumber : m.errors.chooseScore);

/**
 * The occupant pages: each method finds the touchpoint, reads the form, calls RatingsService and
 * picks the screen. Forms that do not parse get the same screen back with a message (400).
 */
@Injectable()
export class RatingPagesService {
  constructor(private readonly ratings: RatingsService) {}

  ratePage(token: string, visitor: Visitor): Promise<RenderedPage> {
    return this.withTouchpoint(token, visitor, (scope) => Promise.resolve(renderRatePage(scope, { id: randomUUID() })));
  }

  /** The first tap, posted without script: stored at once, answered with the follow-up question. */
  submitRating(token: string, form: Form, visitor: Visitor): Promise<RenderedPage> {
    return this.withTouchpoint(token, visitor, async (scope, m) => {
      const tp = scope.touchpoint;
      const parsed = rateForm.safeParse(form ?? {});
      if (!parsed.success) return renderRatePage(scope, { id: randomUUID(), status: 400, error: formErrorMessage(parsed.error, m, scoreMessage(tp, m)) });
      const { id, score } = parsed.data;
      if (!scaleScores(tp.scale).includes(score)) return renderRatePage(scope, { id, status: 400, error: scoreMessage(tp, m) });
      try {
        const receipt = await this.ratings.submit({ token }, { score, id, language: scope.language }, { origin: originOf(tp), source: visitor.address });
        return renderFollowUpPage(scope, { id: receipt.id, score, polarity: receipt.polarity });
      } catch (error) {
        if (isDomain(error, ErrorCode.Validation)) return renderRatePage(scope, { id: randomUUID(), status: 400, error: scoreMessage(tp, m) });
        if (isDomain(error, ErrorCode.Conflict)) return renderThanksPage(scope, { status: 409, note: m.errors.alreadySaved });
        throw error;
      }
    });
  }

  /** The follow-up answer, posted without script; nothing chosen and nothing written is a skip. */
  submitFollowUp(token: string, form: Form, visitor: Visitor): Promise<RenderedPage> {
    return this.withTouchpoint(token, visitor, async (scope, m) => {
      const tp = scope.touchpoint;
      const parsed = followUpForm.safeParse(form ?? {});
      // Only to draw the page again: a score that does not parse is none (NaN), never a coerced value.
      const score = parsed.success ? parsed.data.score : (formScore.safeParse(form?.score).data ?? Number.NaN);
      const polarity = scaleScores(tp.scale).includes(score) ? polarityOf(tp.scale, score) : 'negative';
      if (!parsed.success) {
        const id = typeof form?.id === 'string' ? form.id : randomUUID();
        const comment = typeof form?.comment === 'string' ? form.comment : undefined;
        return renderFollowUpPage(scope, { id, score, polarity, status: 400, error: formErrorMessage(parsed.error, m, m.errors.invalidForm), comment });
      }
      const { id, reasons, comment, skip } = parsed.data;
      if (skip !== undefined || (reasons.length === 0 && comment === undefined)) return renderThanksPage(scope);
      try {
        await this.ratings.addFollowUp(token, id, { reasons, comment });
        return renderThanksPage(scope);
      } catch (error) {
        if (isDomain(error, ErrorCode.Validation)) return renderFollowUpPage(scope, { id, score, polarity, status: 400, error: m.errors.invalidForm, reasons, comment });
        // The rating itself is stored; a follow-up that came too late, twice, or for an unknown id only loses the extra answer.
        if (isDomain(error, ErrorCode.Conflict, ErrorCode.NotFound)) return renderThanksPage(scope, { status: STATUS[error.code], note: m.errors.followUpClosed });
        throw error;
      }
    });
  }

  reportPage(token: string, visitor: Visitor): Promise<RenderedPage> {
    return this.withTouchpoint(token, visitor, (scope) => Promise.resolve(renderReportPage(scope, { id: randomUUID() })));
  }

  submitReport(token: string, form: Form, visitor: Visitor): Promise<RenderedPage> {
    return this.withTouchpoint(token, visitor, async (scope, m) => {
      const parsed = reportForm.safeParse(form ?? {});
      const again = { id: typeof form?.id === 'string' ? form.id : randomUUID(), comment: typeof form?.comment === 'string' ? form.comment : undefined };
      if (!parsed.success) return renderReportPage(scope, { ...again, status: 400, error: formErrorMessage(parsed.error, m, m.errors.invalidForm), category: typeof form?.category === 'string' ? form.category : undefined });
      const { id, category, comment } = parsed.data;
      try {
        await this.ratings.reportIncident(token, { category, comment, id }, { origin: originOf(scope.touchpoint), source: visitor.address });
        return renderReportThanksPage(scope);
      } catch (error) {
        if (isDomain(error, ErrorCode.Validation)) return renderReportPage(scope, { ...again, status: 400, error: m.errors.invalidForm, category });
        throw error;
      }
    });
  }

  /** The kiosk speaks the site's language unless told otherwise: its browser's settings are the installer's, not the occupant's. */
  kioskPage(token: string, visitor: Visitor): Promise<RenderedPage> {
    return this.withTouchpoint(token, { ...visitor, acceptLanguage: undefined }, (scope) => Promise.resolve(renderKioskPage(scope, { id: randomUUID() })));
  }

  /** A kiosk tap without script (the script queues and sends through the JSON API instead). */
  submitKiosk(token: string, form: Form, visitor: Visitor): Promise<RenderedPage> {
    return this.withTouchpoint(token, { ...visitor, acceptLanguage: undefined }, async (scope) => {
      const tp = scope.touchpoint;
      const parsed = rateForm.safeParse(form ?? {});
      if (!parsed.success || !scaleScores(tp.scale).includes(parsed.data.score)) return renderKioskPage(scope, { id: randomUUID(), status: 400 });
      try {
        await this.ratings.submit({ token }, { score: parsed.data.score, id: parsed.data.id }, { origin: originOf(tp), source: visitor.address });
      } catch (error) {
        if (isDomain(error, ErrorCode.Validation)) return renderKioskPage(scope, { id: randomUUID(), status: 400 });
        if (!isDomain(error, ErrorCode.Conflict)) throw error;
      }
      return renderKioskPage(scope, { id: randomUUID(), thanked: true });
    });
  }

  /** Runs a page for an active touchpoint; an unknown or retired token gets the friendly 404 page instead. */
  private async withTouchpoint(token: string, visitor: Visitor, render: (scope: PageScope, m: Messages) => Promise<RenderedPage>): Promise<RenderedPage> {
    const nonce = newNonce();
    let touchpoint: TouchpointView;
    try {
      touchpoint = await this.ratings.touchpoint(token);
    } catch (error) {
      if (!isDomain(error, ErrorCode.NotFound)) throw error;
      return renderNotFoundPage({ language: pickLanguage(visitor.lang, visitor.acceptLanguage, 'en'), nonce });
    }
    const language = pickLanguage(visitor.lang, visitor.acceptLanguage, touchpoint.language);
    return render({ touchpoint, language, nonce }, MESSAGES[language]);
  }
}

const originOf = (tp: TouchpointView) => (tp.kind === 'kiosk' ? 'kiosk' : 'qr');
