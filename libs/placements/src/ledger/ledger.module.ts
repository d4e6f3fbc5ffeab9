import { Module } from '@nestjs/common';
import { IngestionQueue } from '../ingestion/ingestion-queue';
import { ChannelDirectory } from './channel-directory';
import { ChannelsService } from './channels.service';
import { IngestionsService } from './ingestions.service';
import { LedgerCounts } from './ledger-counts';
import { LedgerImports } from './ledger-imports';
import { LedgerReader } from '../import/ledger-reader';
import { OrganizationsService } from './organizations.service';
import { PlacementQueries } from './placement-queries';
import { PlacementSubmissions } from './placement-submissions';

/** The ledger as interfaces see it: organizations, channels, submissions (the ingestion queue's producer) and reads. */
@Module({
  providers: [ChannelDirectory, ChannelsService, IngestionQueue, IngestionsService, LedgerCounts, LedgerImports, LedgerReader, OrganizationsService, PlacementQueries, PlacementSubmissions],
  exports: [ChannelDirectory, ChannelsService, IngestionQueue, IngestionsService, LedgerCounts, LedgerImports, OrganizationsService, PlacementQueries, PlacementSubmissions],
})
export class LedgerModule {}
