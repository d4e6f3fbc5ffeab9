// The placements feature: the catalog, the ledger as interfaces see it, the ledger import,
// the ingestion queue's contract and producer, and the only writer of placements.
export * from './catalog';
export * from './ingestion';
export * from './import';
export * from './ledger';
export * from './writer';
