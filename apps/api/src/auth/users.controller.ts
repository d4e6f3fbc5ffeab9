import { Controller, Delete, Get, HttpCode, Patch, Post, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ROLES, TokenView, UserView } from '@pl/accounts';
import { ORG_ROLES } from '@pl/persistence';
import { DomainError } from '@pl/domain';
import { newToken as newTokenView, tokenView, userView } from '../http/responses';
import { EmptyResponse, ZodBody, ZodParam, ZodResponse } from '../http/zod-api';
import { AdminOnly, SignedIn } from './access';
import { AuthService } from './auth.service';

const newUser = z
  .object(
    {
      username: z.string({ error: 'username must be a string' }),
      password: z.string({ error: 'password must be a string' }),
      role: z.enum(ROLES, { error: `role must be one of ${ROLES.join(', ')}` }),
      org: z.string().optional(),
      region: z.string().optional(),
    },
    { error: 'body must be an object {username, password, role, org?, region?}' },
  )
  .strict();

const userChange = z
  .object(
    {
      disabled: z.boolean({ error: 'disabled must be true or false' }).optional(),
      password: z.string({ error: 'password must be a string' }).optional(),
      role: z.enum(ORG_ROLES, { error: `role must be one of ${ORG_ROLES.join(', ')}` }).optional(),
    },
    { error: 'body must be an object {disabled?, password?, role?}' },
  )
  .strict();

const newToken = z
  .object(
    {
      name: z.string({ error: 'name must be a string' }),
      user: z.string({ error: 'user must be a username' }).optional(),
      role: z.enum(ORG_ROLES, { error: `role must be one of ${ORG_ROLES.join(', ')}` }).optional(),
    },
    { error: 'body must be an object {name, user?, role?}' },
  )
  .strict();

/** Users (administrators): add, list, disable or enable, set a password. */
@ApiTags('auth')
@Controller('api/users')
@AdminOnly()
export class UsersController {
  constructor(private readonly auth: AuthService) {}

  @Get()
  @ZodResponse(200, z.array(userView))
  list(): Promise<UserView[]> {
    return this.auth.accounts.listUsers();
  }

  @Post()
  @HttpCode(201)
  @ZodResponse(201, userView)
  add(@ZodBody(newUser, { examples: { user: { value: { username: 'zhang', password: '至少八个字符', role: 'editor', org: 'daxiang' } } } }) user: z.output<typeof newUser>): Promise<UserView> {
    return this.auth.accounts.addUser(user);
  }

  /** {disabled: true} ends the user's sessions and stops its tokens; {password} sets a new one (sessions end too); {role} changes its role in its organization. */
  @Patch(':username')
  @ZodResponse(200, userView)
  async update(
    @ZodParam('username', z.string()) username: string,
    @ZodBody(userChange, { examples: { disable: { value: { disabled: true } } } }) change: z.output<typeof userChange>,
  ): Promise<UserView> {
    try {
      if (change.password !== undefined) await this.auth.accounts.setPassword(username, change.password);
      if (change.disabled !== undefined) await this.auth.accounts.setDisabled(username, change.disabled);
      if (change.role !== undefined) await this.auth.accounts.setOrgRole(username, change.role);
      return await this.auth.accounts.user(username);
    } finally {
      this.auth.forget();
    }
  }
}

/**
 * API tokens: a user's own, or anyone's for an administrator. The secret is
 * in the creation's answer only; afterwards a token is its name.
 */
@ApiTags('auth')
@Controller('api/tokens')
@SignedIn()
export class TokensController {
  constructor(private readonly auth: AuthService) {}

  @Get()
  @ZodResponse(200, z.array(tokenView))
  list(@Req() req: FastifyRequest): Promise<TokenView[]> {
    const p = req.principal!;
    return this.auth.accounts.listTokens(p.admin ? undefined : p.userId);
  }

  /** A new token for yourself (or, as an administrator, for `user`), carrying at most `role`: 201 with the secret, shown once. */
  @Post()
  @HttpCode(201)
  @ZodResponse(201, newTokenView)
  async add(
    @ZodBody(newToken, { examples: { token: { value: { name: 'import-script', role: 'editor' } } } }) input: z.output<typeof newToken>,
    @Req() req: FastifyRequest,
  ): Promise<TokenView & { token: string }> {
    const p = req.principal!;
    const username = input.user ?? p.username;
    if (username !== p.username && !p.admin) {
      throw new DomainError('AUTH_FORBIDDEN', 'forbidden', 'Only administrators create tokens for other users', [
        { field: 'user', message: 'only administrators create tokens for other users' },
      ]);
    }
    // A token made with a token carries at most that token's cap.
    const role = input.role ?? p.cap ?? undefined;
    const { token, view } = await this.auth.accounts.addToken({ name: input.name, username, createdBy: p.actor, role });
    return { ...view, token };
  }

  @Delete(':name')
  @HttpCode(204)
  @EmptyResponse()
  async revoke(@ZodParam('name', z.string()) name: string, @Req() req: FastifyRequest): Promise<void> {
    const p = req.principal!;
    try {
      await this.auth.accounts.revokeToken(name, p.admin ? undefined : p.userId);
    } finally {
      this.auth.forget();
    }
  }
}
