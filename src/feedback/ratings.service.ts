import { Injectable } from '@nestjs/common';
import type { TouchpointView } from '../catalog/catalog.types';
import { CatalogService } from '../catalog/catalog.service';
import type { FollowUpInput, IncidentInput, RatingInput, RatingReceipt, SubmissionContext, TouchpointSelector } from './feedback.types';

/** Occupant ratings: validation, misuse filtering, scrubbing and durable storage. (Being written.) */
@Injectable()
export class RatingsService {
  constructor(private readonly catalog: CatalogService) {}

  /** The active touchpoint behind a QR/kiosk token; DomainException not-found otherwise. */
  touchpoint(token: string): Promise<TouchpointView> {
    return this.catalog.touchpointByToken(token);
  }

  submit(_selector: TouchpointSelector, _input: RatingInput, _ctx: SubmissionContext): Promise<RatingReceipt> {
    throw new Error('not implemented yet');
  }

  addFollowUp(_token: string, _id: string, _input: FollowUpInput): Promise<RatingReceipt> {
    throw new Error('not implemented yet');
  }

  reportIncident(_token: string, _input: IncidentInput, _ctx: SubmissionContext): Promise<{ id: string; category: string }> {
    throw new Error('not implemented yet');
  }
}
