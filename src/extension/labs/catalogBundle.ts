/** The lab catalog loader with its parsers (yaml, zod), bundled on its own as dist/catalog.js and loaded on first use. */
export { loadCatalog } from '../../core/labs/catalog';
