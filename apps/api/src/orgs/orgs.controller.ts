import { Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { NewOrganization, newOrganizationSchema, OrganizationsService } from '@pl/placements';
import { Organization } from '@pl/persistence';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { roleIn } from '@pl/accounts';
import { SignedIn } from '../auth/access';
import { organization } from '../http/responses';
import { ZodBody, ZodResponse } from '../http/zod-api';

@ApiTags('organizations')
@Controller('api/orgs')
export class OrgsController {
  constructor(private readonly orgs: OrganizationsService) {}

  @Post()
  @HttpCode(201)
  @ZodResponse(201, organization)
  create(@ZodBody(newOrganizationSchema) input: NewOrganization): Promise<Organization> {
    return this.orgs.create(input);
  }

  /** The organizations the caller can open (every one for an administrator). */
  @Get()
  @SignedIn()
  @ZodResponse(200, z.array(organization))
  async list(@Req() req: FastifyRequest): Promise<Organization[]> {
    const p = req.principal!;
    return (await this.orgs.list()).filter((o) => roleIn(p, o) !== null);
  }
}
