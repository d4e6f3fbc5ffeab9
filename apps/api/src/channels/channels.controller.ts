import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, MaxLength, Min } from 'class-validator';
import { CHANNEL_KINDS, DomainError, ChannelKind, TIERS, Tier } from '@pl/domain';
import { ChannelsService, ChannelView } from '@pl/placements';
import { SignedIn } from '../auth/access';

export class CreateChannelDto {
  @ApiProperty({ example: '红网大祥站' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;

  @ApiProperty({ example: '红网', description: 'Outlet name or alias; created when new.' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  outlet: string;

  @ApiProperty({ enum: TIERS })
  @IsIn(TIERS, { message: `tier must be one of ${TIERS.join(', ')}` })
  tier: Tier;

  @ApiProperty({ enum: CHANNEL_KINDS })
  @IsIn(CHANNEL_KINDS, { message: `kind must be one of ${CHANNEL_KINDS.join(', ')}` })
  kind: ChannelKind;

  @ApiPropertyOptional({ description: 'Slug of the owning organization' })
  @IsOptional()
  @IsString()
  owner?: string;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  aliases?: string[];

  @ApiPropertyOptional({ type: [String], description: 'Regular expressions matching the channel’s links' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(500, { each: true })
  urlPatterns?: string[];

  @ApiPropertyOptional()
  @IsOptional()
  @IsInt()
  @Min(0)
  displayOrder?: number;
}

@ApiTags('channels')
@Controller('api/channels')
export class ChannelsController {
  constructor(private readonly channels: ChannelsService) {}

  @Get()
  @SignedIn()
  @ApiQuery({ name: 'tier', required: false, enum: TIERS })
  list(@Query('tier') tier?: string): Promise<ChannelView[]> {
    if (tier !== undefined && !(TIERS as readonly string[]).includes(tier)) {
      throw DomainError.invalid('REQUEST_INVALID', [{ field: 'tier', message: `tier must be one of ${TIERS.join(', ')}` }]);
    }
    return this.channels.list(tier as Tier | undefined);
  }

  @Post()
  @HttpCode(201)
  create(@Body() dto: CreateChannelDto): Promise<ChannelView> {
    return this.channels.create(dto);
  }
}
