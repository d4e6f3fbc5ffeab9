import { Body, Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import { ApiProperty, ApiTags } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsNotEmpty,
  IsString,
  Matches,
  MaxLength,
  Validate,
  ValidatorConstraint,
  ValidatorConstraintInterface,
} from 'class-validator';
import { isIsoDate } from '@pl/domain';
import { OrganizationsService } from '@pl/placements';
import { Organization } from '@pl/persistence';
import type { FastifyRequest } from 'fastify';
import { roleIn } from '@pl/accounts';
import { SignedIn } from '../auth/access';

/** A real calendar date written YYYY-MM-DD; class-validator runs it only when registered as a constraint. */
@ValidatorConstraint({ name: 'isoDate' })
class IsoDate implements ValidatorConstraintInterface {
  validate(v: unknown) {
    return typeof v === 'string' && isIsoDate(v);
  }
  defaultMessage() {
    return 'foundedOn must be a real calendar date written YYYY-MM-DD';
  }
}

export class CreateOrganizationDto {
  @ApiProperty({ example: 'daxiang' })
  @IsString()
  @Matches(/^[a-z0-9][a-z0-9-]{0,63}$/, { message: 'slug must be lower-case letters, digits and dashes (at most 64)' })
  slug: string;

  @ApiProperty({ example: '邵阳市大祥区融媒体中心' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;

  @ApiProperty({ example: '邵阳市' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  region: string;

  @ApiProperty({ example: '2019-06-21' })
  @Validate(IsoDate)
  foundedOn: string;

  @ApiProperty({ example: ['大祥'], type: [String] })
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(50, { each: true })
  keywords: string[];
}

@ApiTags('organizations')
@Controller('api/orgs')
export class OrgsController {
  constructor(private readonly orgs: OrganizationsService) {}

  @Post()
  @HttpCode(201)
  create(@Body() dto: CreateOrganizationDto): Promise<Organization> {
    return this.orgs.create(dto);
  }

  /** The organizations the caller can open (every one for an administrator). */
  @Get()
  @SignedIn()
  async list(@Req() req: FastifyRequest): Promise<Organization[]> {
    const p = req.principal!;
    return (await this.orgs.list()).filter((o) => roleIn(p, o) !== null);
  }
}
