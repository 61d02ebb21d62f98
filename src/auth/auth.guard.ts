import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DomainException, ErrorCode } from '../platform/errors/domain.exception';
import { bearerToken } from './api-key';
import { ApiKeysService } from './api-keys.service';
import { IS_PUBLIC } from '../platform/access/public.decorator';
import { ROLES_KEY, type AuthenticatedRequest } from '../platform/access/roles.decorator';
import type { Role } from '../platform/access/roles';

/** Global guard: every route needs a valid API key with one of the route's roles, unless @Public(). */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly apiKeys: ApiKeysService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = bearerToken(request.headers.authorization);
    if (!token) throw new DomainException(ErrorCode.Unauthenticated, 'Send an API key as "Authorization: Bearer <key>".');
    const principal = await this.apiKeys.authenticate(token);
    if (!principal) throw new DomainException(ErrorCode.Unauthenticated, 'The API key is not valid or has been revoked.');

    const allowed = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets) ?? [];
    if (!allowed.includes(principal.role)) {
      throw new DomainException(ErrorCode.Forbidden, `The role ${principal.role} may not do this.`);
    }
    request.principal = principal;
    return true;
  }
}
