import { Controller, Get, Put, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { OrganizationsService } from '@pl/placements';
import {
  AnnualProfileDocument,
  annualProfileInputSchema,
  fiscalYearText,
  OrganizationProfileDocument,
  ProfilesService,
  profileInputSchema,
} from '@pl/reporting';
import { orgSlug } from '../http/params';
import { storedDocument } from '../http/responses';
import { ZodBody, ZodParam, ZodResponse } from '../http/zod-api';

const standing = storedDocument('The standing profile as stored');
const annual = storedDocument('The year’s profile as stored');

const standingExample = {
  shortName: '区融媒体中心',
  nature: '中共大祥区委直属正科级公益一类全额拨款事业单位',
  supervisor: '区委宣传部',
  units: ['综合运行部', '采编部', '技术保障部', '综合服务部'],
  establishment: { authorized: 8, actual: 4, kind: '全额事业编' },
  leadership: [
    { title: '主任', count: 1 },
    { title: '副主任', count: 2 },
  ],
  duties: ['坚决贯彻党管媒体原则，…', '围绕区委、区政府重大决策、中心工作开展宣传。…'],
};

const annualExample = {
  goals: ['突出落实首要任务，…'],
  achievements: ['基本完成区融媒体中心功能建设，…'],
  placementsLead: '紧扣时代主题，不断提升新闻策划宣传质量。',
  improvements: ['进一步加强资金管理，通过部门建章建制，合理有效地提高资金使用效率。'],
  targets: { central: 12, provincial: 80, municipal: 200, district: 2000 },
};

/**
 * What the annual report says about an organization in prose: the standing
 * profile (PUT/GET /profile) and each year's goals, achievements,
 * improvement measures and targets (PUT/GET /profile/:year).
 */
@ApiTags('profiles')
@Controller('api/orgs/:org/profile')
export class ProfilesController {
  constructor(
    private readonly orgs: OrganizationsService,
    private readonly profiles: ProfilesService,
  ) {}

  /** Creates (201) or replaces (200) the standing profile. */
  @Put()
  @ZodResponse(201, standing, 'Created')
  @ZodResponse(200, standing, 'Replaced')
  async putStanding(
    @ZodParam('org', orgSlug) slug: string,
    // The profiles service validates it with this schema.
    @ZodBody(profileInputSchema, { validate: false, examples: { profile: { value: standingExample } } }) body: unknown,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<OrganizationProfileDocument> {
    const org = await this.orgs.bySlug(slug);
    const saved = await this.profiles.putStanding(org, body);
    res.status(saved.created ? 201 : 200);
    return saved.document;
  }

  @Get()
  @ZodResponse(200, standing)
  async getStanding(@ZodParam('org', orgSlug) slug: string): Promise<OrganizationProfileDocument> {
    return this.profiles.getStanding(await this.orgs.bySlug(slug));
  }

  /** Creates (201) or replaces (200) the profile of one fiscal year. */
  @Put(':year')
  @ZodResponse(201, annual, 'Created')
  @ZodResponse(200, annual, 'Replaced')
  async putAnnual(
    @ZodParam('org', orgSlug) slug: string,
    @ZodParam('year', fiscalYearText) year: number,
    // The profiles service validates it with this schema.
    @ZodBody(annualProfileInputSchema, { validate: false, examples: { profile: { value: annualExample } } }) body: unknown,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<AnnualProfileDocument> {
    const org = await this.orgs.bySlug(slug);
    const saved = await this.profiles.putAnnual(org, year, body);
    res.status(saved.created ? 201 : 200);
    return saved.document;
  }

  @Get(':year')
  @ZodResponse(200, annual)
  async getAnnual(@ZodParam('org', orgSlug) slug: string, @ZodParam('year', fiscalYearText) year: number): Promise<AnnualProfileDocument> {
    return this.profiles.getAnnual(await this.orgs.bySlug(slug), year);
  }
}
