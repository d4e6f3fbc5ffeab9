export { LedgerModule } from './ledger.module';
export { LedgerError } from './ledger-errors';
export { ChannelDirectory, ChannelRef } from './channel-directory';
export { ChannelsService, ChannelView, NewChannel } from './channels.service';
export { IngestionsService, IngestionView, IngestionState } from './ingestions.service';
export { OrganizationsService, NewOrganization } from './organizations.service';
export { GROUP_BY, GroupBy, PlacementFilter, PlacementQueries, PlacementView, Summary, SummaryRow } from './placement-queries';
export { BULK_MAX, BulkReceipt, PlacementSubmissions, RejectedEntry } from './placement-submissions';
export { ImportReceipt, LedgerImports } from './ledger-imports';
