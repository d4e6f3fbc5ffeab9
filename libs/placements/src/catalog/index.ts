export { CATALOG, Catalog, CatalogChannel, CatalogOrganization, CatalogOutlet } from './catalog';
export { loadCatalog, CatalogLoadResult } from './catalog-loader';
