import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { RatingsService } from './ratings.service';

@Module({
  imports: [CatalogModule],
  controllers: [],
  providers: [RatingsService],
  exports: [RatingsService],
})
export class FeedbackModule {}
