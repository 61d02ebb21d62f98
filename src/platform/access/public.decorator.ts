import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'auth:public';

/** Marks a route that needs no API key (health, metrics, occupant rating pages). */
export const Public = () => SetMetadata(IS_PUBLIC, true);
