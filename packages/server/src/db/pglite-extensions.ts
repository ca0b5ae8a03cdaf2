// The PostgreSQL extensions the gateway's schema uses, bundled with PGlite: every PGlite that opens
// a gateway database must load them, or statements touching their indexes fail (pg_trgm backs the
// audit search indexes of migration 0008).
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';

export const PGLITE_EXTENSIONS = { pg_trgm };
