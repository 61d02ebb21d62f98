import { LandingController } from './pages/landing.controller';
import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { QrCodesController } from './pages/qr-codes.controller';
import { QrCodesService } from './pages/qr-codes.service';
import { RatingPagesController } from './pages/rating-pages.controller';
import { RatingPagesService } from './pages/rating-pages.service';
import { KioskRatingsSubscriber } from './kiosk-ratings.subscriber';
import { PseudonymKeysJob } from './pseudonym-keys.job';
import { PseudonymKeysRepository } from './pseudonym-keys.repository';
import { PseudonymKeysService } from './pseudonym-keys.service';
import { RatingsController } from './ratings.controller';
import { RatingsRepository } from './ratings.repository';
import { RatingsService, ratingsCounterProvider } from './ratings.service';

@Module({
  imports: [CatalogModule],
  controllers: [RatingsController, RatingPagesController, QrCodesController, LandingController],
  providers: [
    RatingsService,
    RatingsRepository,
    ratingsCounterProvider,
    PseudonymKeysService,
    PseudonymKeysRepository,
    PseudonymKeysJob,
    KioskRatingsSubscriber,
    RatingPagesService,
    QrCodesService,
  ],
  exports: [RatingsService, PseudonymKeysService],
})
export class FeedbackModule {}
