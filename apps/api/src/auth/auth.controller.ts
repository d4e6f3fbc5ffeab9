import { Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { lowerRole, UserView } from '@pl/accounts';
import { DomainError } from '@pl/domain';
import { meView } from '../http/responses';
import { EmptyResponse, NoBody, ZodBody, ZodResponse } from '../http/zod-api';
import { Public, SignedIn } from './access';
import { servedOverHttps } from '../http/security-headers';
import { AuthService, SESSION_COOKIE } from './auth.service';

const loginBody = z
  .object(
    {
      username: z.string({ error: 'username must be a string' }).trim().min(1, 'username is required').max(64, 'username is at most 64 characters'),
      password: z.string({ error: 'password must be a string' }).min(1, 'password is required').max(1024, 'password is at most 1024 characters'),
    },
    { error: 'body must be an object {username, password}' },
  )
  .strict();

/** Who is signed in, as the UI reads it (GET /api/auth/me, the sign-in answer). */
export interface MeView extends Pick<UserView, 'username' | 'role' | 'region' | 'organizations'> {
  /** How the request was authenticated. */
  via: 'session' | 'token';
  /** A session's CSRF token, for the X-CSRF-Token header of its writes. */
  csrfToken?: string;
  /** The token's name, when signed in with one. */
  token?: string;
}

@ApiTags('auth')
@Controller('api/auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  /**
   * Sign in: 200 with the user and an HttpOnly session cookie (SameSite=Lax, Secure over HTTPS); 401 for a
   * wrong name or password (the same for both); 429 after too many failures from one address or for one name.
   */
  @Post('login')
  @Public()
  @HttpCode(200)
  @ZodResponse(200, meView, 'Signed in: the session cookie is set')
  async login(
    @ZodBody(loginBody, { examples: { login: { value: { username: 'editor', password: '••••••••' } } } }) { username, password }: z.output<typeof loginBody>,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<MeView> {
    const wait = this.auth.loginLimit.retryAfter(req.ip, username);
    if (wait > 0) {
      res.header('Retry-After', String(wait));
      throw new DomainError('AUTH_TOO_MANY_ATTEMPTS', 'rate-limited', `Too many failed sign-ins: try again in ${wait} s`, [
        { field: 'username', message: `too many failed sign-ins; try again in ${wait} s` },
      ]);
    }
    const session = await this.auth.accounts.login(username, password, this.auth.config.auth.sessionTtlMs);
    if (!session) {
      this.auth.loginLimit.failed(req.ip, username);
      throw new DomainError('AUTH_BAD_CREDENTIALS', 'unauthenticated', 'Wrong username or password', [{ field: 'password', message: 'wrong username or password' }]);
    }
    this.auth.loginLimit.succeeded(username);
    res.setCookie(SESSION_COOKIE, session.secret, {
      httpOnly: true,
      sameSite: 'lax',
      secure: servedOverHttps(req),
      path: '/',
      maxAge: Math.floor(this.auth.config.auth.sessionTtlMs / 1000),
    });
    const { username: name, role, region, organizations } = session.user;
    return { username: name, role, region, organizations, via: 'session', csrfToken: session.csrfToken };
  }

  /** Sign out: the session is deleted on the server (its cookie no longer works anywhere) and the cookie cleared. */
  @Post('logout')
  @SignedIn()
  @HttpCode(204)
  @NoBody()
  @EmptyResponse(204, 'Signed out')
  async logout(@Req() req: FastifyRequest, @Res({ passthrough: true }) res: FastifyReply): Promise<void> {
    const secret = req.cookies?.[SESSION_COOKIE];
    if (secret) await this.auth.accounts.endSession(secret);
    this.auth.forget();
    res.clearCookie(SESSION_COOKIE, { path: '/' });
  }

  @Get('me')
  @SignedIn()
  @ZodResponse(200, meView)
  async me(@Req() req: FastifyRequest): Promise<MeView> {
    const p = req.principal!;
    const user = await this.auth.accounts.user(p.username);
    // A token carries at most its cap: the organizations are shown with the roles it acts with.
    const organizations = p.cap ? user.organizations.map((o) => ({ ...o, role: lowerRole(o.role, p.cap) })) : user.organizations;
    return {
      username: user.username,
      role: p.admin ? 'admin' : user.role === 'admin' ? null : user.role,
      region: user.region,
      organizations,
      via: p.kind,
      ...(p.kind === 'session' ? { csrfToken: p.csrfToken } : { token: p.tokenName }),
    };
  }
}

