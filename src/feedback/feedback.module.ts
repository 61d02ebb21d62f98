import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { RatingsController } from './ratings.controller';
import { RatingsRepository } from './ratings.repository';
import { RatingsService, ratingsCounterProvider } from './ratings.service';

@Module({
  imports: [CatalogModule],
  controllers: [RatingsController],
  providers: [RatingsService, RatingsRepository, ratingsCounterProvider],
  exports: [RatingsService],
})
export class FeedbackModule {}
