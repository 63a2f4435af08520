import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiTooManyRequestsResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ErrorResponseDto } from '../errors/error-response.dto.js';
import { Principal } from './principal.js';
import { Role } from './role.enum.js';

export const ROLES_KEY = 'wrk:roles';
export const PUBLIC_KEY = 'wrk:public';
export const PLATFORM_KEY = 'wrk:platform';

/** The roles allowed on a route. A route with neither @Roles, @Public nor @PlatformOnly is refused (fail closed). */
export const Roles = (...roles: Role[]) =>
  applyDecorators(
    SetMetadata(ROLES_KEY, roles),
    ApiBearerAuth('api-key'),
    ApiUnauthorizedResponse({ description: 'UNAUTHENTICATED: missing, unknown or revoked API key', type: ErrorResponseDto }),
    ApiForbiddenResponse({ description: `FORBIDDEN: allowed roles are ${roles.join(', ')}`, type: ErrorResponseDto }),
    // Every request with a tenant key counts against the rate limits (src/rate-limits).
    ApiTooManyRequestsResponse({
      description: "RATE_LIMITED: over the tenant's or the connected account's requests per minute",
      type: ErrorResponseDto,
      headers: { 'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' } } },
    }),
  );

export const Public = () => SetMetadata(PUBLIC_KEY, true);

export const PlatformOnly = () =>
  applyDecorators(
    SetMetadata(PLATFORM_KEY, true),
    ApiBearerAuth('platform-key'),
    ApiUnauthorizedResponse({ description: 'UNAUTHENTICATED: not the platform key', type: ErrorResponseDto }),
  );

/** The authenticated tenant principal of the request. */
export const CurrentPrincipal = createParamDecorator(
  (_: unknown, context: ExecutionContext): Principal => context.switchToHttp().getRequest().principal,
);
