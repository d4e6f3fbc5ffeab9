export { LedgerModule } from './ledger.module';
export { ChannelDirectory, ChannelRef } from './channel-directory';
export { ChannelsService, ChannelView, NewChannel, newChannelSchema } from './channels.service';
export { IngestionsService, IngestionView, IngestionState } from './ingestions.service';
export { OrganizationsService, NewOrganization, newOrganizationSchema } from './organizations.service';
export { GROUP_BY, GroupBy, LIST_SORT_KEYS, ListFilter, ListSortKey, PlacementFilter, PlacementQueries, PlacementView, PointsWeights, Summary, SummaryRow } from './placement-queries';
export { BULK_MAX, BulkReceipt, PlacementSubmissions, RejectedEntry } from './placement-submissions';
export { ImportPreview, ImportReceipt, ImportRowError, LedgerImports } from './ledger-imports';
export { COUNT_DIMENSIONS, CountDimension, CountFilter, CountRow, LedgerCounts, placementConditions } from './ledger-counts';
