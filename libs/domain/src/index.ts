export * from './vocabulary';
export * from './normalise';
export * from './local-date';
export * from './placement-input';
export * from './time-ordered-id';
export * from './text-width';
export * from './text-decoding';
export * from './spreadsheet-text';
