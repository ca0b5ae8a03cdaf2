// The audit API requests of the audit scenario: the raw list and stats over all time (what grows
// with the log), and a search for a term no generated event contains (the search must look at,
// or index, every event to say so).
export const SEARCH_TERM = 'nowhere-in-the-log';

export const AUDIT_QUERIES = {
  list: '/api/v1/audit-logs?view=raw&range=all',
  stats: '/api/v1/audit-logs/stats?view=raw&range=all',
  search: `/api/v1/audit-logs?view=raw&range=all&search=${SEARCH_TERM}`,
} as const;
