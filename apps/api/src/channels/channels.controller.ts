import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { TIERS } from '@pl/domain';
import { ChannelsService, ChannelView, NewChannel, newChannelSchema } from '@pl/placements';
import { SignedIn } from '../auth/access';
import { channelView } from '../http/responses';
import { ZodBody, ZodQuery, ZodResponse } from '../http/zod-api';

const listQuery = z.object({ tier: z.enum(TIERS, { error: `tier must be one of ${TIERS.join(', ')}` }).optional() });

@ApiTags('channels')
@Controller('api/channels')
export class ChannelsController {
  constructor(private readonly channels: ChannelsService) {}

  @Get()
  @SignedIn()
  @ZodResponse(200, z.array(channelView))
  list(@ZodQuery(listQuery) { tier }: z.output<typeof listQuery>): Promise<ChannelView[]> {
    return this.channels.list(tier);
  }

  @Post()
  @HttpCode(201)
  @ZodResponse(201, channelView)
  create(@ZodBody(newChannelSchema) input: NewChannel): Promise<ChannelView> {
    return this.channels.create(input);
  }
}
