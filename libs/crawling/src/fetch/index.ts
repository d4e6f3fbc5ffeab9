export * from './fetcher';
export * from './politeness';
export * from './robots';
export * from './ssrf-guard';
export * from './configured-fetcher';
