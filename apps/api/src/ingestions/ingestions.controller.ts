import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { IngestionsService, IngestionView } from '@pl/placements';
import { OwnedBy } from '../auth/access';
import { uuid } from '../http/params';
import { ingestionView } from '../http/responses';
import { ZodParam, ZodResponse } from '../http/zod-api';

@ApiTags('ingestions')
@Controller('api/ingestions')
export class IngestionsController {
  constructor(private readonly ingestions: IngestionsService) {}

  @Get(':id')
  @OwnedBy('ingestion')
  @ZodResponse(200, ingestionView)
  get(@ZodParam('id', uuid) id: string): Promise<IngestionView> {
    return this.ingestions.get(id);
  }
}
