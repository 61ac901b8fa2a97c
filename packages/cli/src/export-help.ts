import { FILTER_HELP } from './event-filters.js'

/** `agenttrail export --help`. */
export const EXPORT_HELP = `Usage: agenttrail export [filters] [--format jsonl|csv] --output FILE|- [--resume]

Writes every event that matches to FILE (or stdout with --output -), newest first, a page at a
time: the same rows as the server's GET /api/v1/events?format=jsonl|csv (CSV: the same columns,
and a leading ' before text a spreadsheet would run as a formula). On a terminal, stderr shows
the count and rate as it goes.

An export to a file can be resumed: --to is pinned when it starts (now, unless given), and after
each page FILE.progress records the query, where to go on, the count and FILE's length. When an
export stops (Ctrl-C, a crash, a lost server), run it again with only --output FILE --resume (no
filters or --format: the saved query is used): FILE is cut back to the last page recorded and
the export goes on from there. FILE.progress is removed when the export completes. A FILE that is
missing or shorter than recorded is refused: delete FILE.progress and export again.
The pinned --to makes the export a snapshot of the events committed by then, not a fixed set:
an event backdated before --to and committed late can be missed.

  --format jsonl|csv      default jsonl
  --output FILE, -o FILE  the file to write (replaced), or - for stdout (not resumable)
  --resume                continue the unfinished export into FILE (takes its saved query)
  --page-size N           events per request, 1 to 1000 (default 1000)

${FILTER_HELP}
Server: --url URL (AGENTTRAIL_URL, default http://127.0.0.1:7878), --key KEY (AGENTTRAIL_API_KEY),
a key with the read scope.
Exit codes: 0 complete, 1 failed (resume it), 2 bad flags or query, 3 server unreachable, 4 key refused.
`
