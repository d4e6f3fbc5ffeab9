export type { LedgerFormat, LedgerRow, LedgerRowError, ParsedLedger } from './types';
export { detectLedgerFormat, readLedger } from './read';
export {
  ledgerColumnLabel,
  formatLedgerErrors,
  ledgerErrorsCsv,
  translateFieldError,
  validateLedgerRows,
} from './errors';
export {
  LEDGER_FIELDS,
  LEDGER_FIELD_LABELS,
  LEDGER_HEADER_ALIASES,
  REQUIRED_LEDGER_FIELDS,
  fieldOfHeader,
  foldHeader,
} from './columns';
export type { LedgerField } from './columns';
export { normaliseDateText, dateFromExcelSerial } from './dates';
export { LEDGER_TEMPLATE_NAME, ledgerTemplateCsv, ledgerTemplateHeaders, ledgerTemplateXlsx } from './template';
export { ImportLimitError, checkZip } from './limits';
export type { ImportLimits, ImportLimitName } from './limits';
export { LedgerReader } from './ledger-reader';
