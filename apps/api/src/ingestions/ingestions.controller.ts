import { Controller, Get, Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { DomainError } from '@pl/domain';
import { IngestionsService, IngestionView } from '@pl/placements';
import { OwnedBy } from '../auth/access';

@ApiTags('ingestions')
@Controller('api/ingestions')
export class IngestionsController {
  constructor(private readonly ingestions: IngestionsService) {}

  @Get(':id')
  @OwnedBy('ingestion')
  get(
    @Param('id', new ParseUUIDPipe({ exceptionFactory: () => DomainError.invalid('REQUEST_INVALID', [{ field: 'id', message: 'id must be a UUID' }]) }))
    id: string,
  ): Promise<IngestionView> {
    return this.ingestions.get(id);
  }
}
