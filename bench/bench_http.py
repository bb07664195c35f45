"""HTTP benchmark: the real server (``parsipas serve``, PostgreSQL, ``PARSIPAS_WORKERS`` workers, the Bình Gia demo
data) under load from a second process, with every figure also given as a ratio to ``/health`` measured in the
same run (the floor of this machine: what the server does for a request that touches nothing).

    .venv/bin/python bench/bench_http.py [--workers 2] [--duration 8] [--connections 8] [--gzip]
        [--only health,me,...] [--tree PATH] [--loadgen wrk|python]
    .venv/bin/python bench/bench_http.py --profile district_dashboard [--duration 10]
    .venv/bin/python bench/bench_http.py --national [--communes 3300] [--tasks 60]

``--national`` serves the 3,300-commune dataset of ``bench/national.py`` (198,000 assignments, the one shared with
``bench_notifications.py``) instead of the Bình Gia demo, logging in as its district admin and the first commune's
head and officer, and prints the p99 against the 1 s target (no evidence there: that row is skipped).

A fresh PostgreSQL database is created on ``--pg`` and dropped at the end; the server runs with its own data
folder (the demo's evidence files are written there); once the data is in, the database is ``VACUUM ANALYZE``d as
autovacuum would do on a real server (this machine's PostgreSQL runs with autovacuum off). The load comes from ``wrk -t1 -c<connections>``
(``apt-get install wrk``) or, without wrk, from a Python load generator in a second process (keep-alive
connections, one thread each). ``--tree`` serves another checkout of the code (e.g. an older commit unpacked with
``git archive``) with the same database settings, for before/after figures in one sitting.

Routes: ``/health``; ``/me``; the work list (``/assignments/work?limit=20``) of a commune officer and of the
district; the review queue (``/assignments?status=submitted&limit=20``, district); the dashboards
(``/dashboards/summary``) of a commune and of the district; the plan appendix (``/plans/{id}/tasks``); one
evidence download (``/evidence/{id}/content``). ``--profile NAME`` loads one of them while py-spy samples the
server's processes (``pip install py-spy``) and prints the functions holding the most CPU samples.

Where the time goes (py-spy under load, PostgreSQL, demo data):
- district dashboard (``/dashboards/summary``, 2,848 assignments): ~90 % of the busy samples in the summary
  route. A first fix made the aggregate's eight ``aliased()`` entities once per process (new on every request,
  SQLAlchemy rebuilt their column collections: ~40 % of the samples). Then (#19, py-spy + cProfile + EXPLAIN
  ANALYZE, 06/12/2026) the rest was: building the statements (the scope's subqueries, the bucket CASE, the
  pivots: ~2,000 expression objects, ~25 ms of Python per request, ``BinaryElementImpl._literal_coercion`` 12 %
  self), the aggregate's SQL (21 ms on PostgreSQL, 14 of them a nested loop over the grouping-set CTE for the
  lĩnh vực, 25,000 rows filtered out, because PostgreSQL cannot estimate a grouping set's rows) and a separate
  due-soon count (4 ms of planning). Now (``api/dashboards/service.py``) the statements are built once per
  caller's grants, date and filters (``functools.lru_cache``: a statement is a pure function of those, nothing
  read from the database is kept), the lĩnh vực and criteria are rolled up in Python from the per-task rows
  with one small statement for the links (aggregate 21 → 3.6 ms), the due-soon count is a column of the
  aggregate, and the aggregate runs on the Core connection: in process (load 9–13) ``summary`` 50–65 → 23–34
  ms (district), 40–63 → 11–15 ms (commune); figures equal a row-by-row recount
  (``tests/dashboards/test_summary_recount.py``). HTTP, same sitting, load 15–25: commune 20.2 → 60.5 req/s,
  district 10.3 → 25.2. py-spy after: no statement building left; the busy samples are psycopg sending the
  three statements and waiting to take the GIL back (4 requests per worker), ~2 % the Python roll-up. National
  dataset (load 19): the district dashboard now answers (2 req/s, p99 4.1 s; it completed nothing within 8 s
  before): its aggregate is a scan of 198,000 rows, bucket CASE and hash aggregate, 0.3–0.9 s of PostgreSQL.
  Fifth round (#19, 06/12/2026 evening; machine loaded 8–14 by other sessions, so CPU counters before wrk):
  the national aggregate's PostgreSQL CPU (the backend's ``/proc``, statements alternated) was a bare read of
  its seven columns ~15–25 ms, the unit scope's hash join ~17, the hidden-draft ``NOT IN`` ~6, the bucket CASE
  ~11, the second grouping set ~18, the pivoted counts ~20. Now due soon is a sixth bucket code (one CASE per
  row), the row subquery is fenced, and a subtree reach that is every assignment skips the per-row scope tests
  (``api/authz/scope_dashboard.py``: a ``UNION ALL`` gated by one condition computed once per statement; the
  same rows, ``tests/dashboards/test_scan.py``): 124–160 → 94–113 ms per execution; the Python roll-up in C
  loops: 15.9 → 10.9 ms per request. wrk -c8, national, trees alternated (before → after, two rounds, load
  8–10): 8.2 → 8.1 and 6.5 → 11.3 req/s, p50 927 → 840 and 1,100 → 553 ms, p99 1,640 → 2,210 and 1,420 →
  1,660 ms: the p99 follows the other sessions' load and the 1 s target is not shown met on this machine.
  Demo (Bình Gia): unchanged within the noise (per summary PostgreSQL 5.0–5.8 → 5.2–5.4 ms, Python 3.2–4.0 →
  3.5–3.9 ms; wrk 86 / 80 → 53 / 72 req/s, 0.077 / 0.071 → 0.036 / 0.079 × /health): there the time is the
  request's fixed cost, not the scan. What was measured and left: ``api/dashboards/service.py``'s docstring.
- plan appendix (``/plans/{id}/tasks``, 62 tasks, every unit's status: a 708 KB document): building ~1,400
  ``TaskUnit`` ORM objects for the lead/coordinator links was the largest share; they are now read as three
  columns (``api/plans/service.py``), 1,037 → 646 ms per request in process on the loaded machine. Then (#19)
  a ``UnitStatus`` model per status row, validated, then the whole document validated and encoded again by
  FastAPI; ORM row loading and enum conversion of the rows. Now the route returns the document serialised in
  one pass (``service.appendix_json``: status rows as Core columns, dicts, ``pydantic_core.to_json``;
  ``response_model`` kept for the OpenAPI). What remains (py-spy): SQLAlchemy/psycopg building the ~3,000 rows
  (~35 %), the dicts and the JSON (~16 %). Letting PostgreSQL write the JSON (``json_build_object`` +
  ``string_agg``) was tried and cost the database more than all of this (national: 2.7–3.6 s against 0.2 s).
  ETag/304 saves the transfer to a client that has it already. HTTP, same sitting, load 15–25: 4.0 → 6.0
  req/s. National: a 35 MB document (198,000 statuses), ~5 s per request in process under load — no p99 near
  1 s is possible for it as one document; it needs paging of the units per task (or a lighter list) in the API.
- plan appendix, bounded (#19, fourth round): each task carries its status counts over every unit in reach (SQL
  aggregates), ``units_total`` and at most ``units_limit`` units (default 50, max 500; Bình Gia's largest task
  has 36, so nothing of Bình Gia is cut and its print is unchanged); a task that fits is read whole by one plain
  statement, only the tasks to cut go through a top-N (``LATERAL`` on PostgreSQL, 10–20 ms nationally against
  313 ms for a ``dense_rank()`` window; it needs an ``OFFSET 0`` fence); one snapshot for the whole document;
  ≤ 14 statements whatever the plan's size; ``GET /tasks/{id}/units`` pages one task's full list. National:
  35 MB → 561 KB, ~5 s → 220–275 ms in process (about half of it the count aggregate over 198,000 rows).
- plan appendix, fifth round (#19, 06/12/2026 evening; EXPLAIN (ANALYZE, BUFFERS), backend CPU from ``/proc``,
  cProfile and ``gc.callbacks`` in process, national): the count aggregate grouped 198,000 heap rows by (task,
  status): 64 ms of CPU serial (plus a parallel worker's ~40 under ``wrk``), of which a bare ``count(*)`` is 9 —
  the rest unpacking the status behind the wide row's variable-width columns and hashing it. Now
  (``scope_appendix.status_counts``) a caller reaching at least half of the units counts each task from
  ``ix_assignment_task_status`` (task, status, unit, instance; migration ``s21appx0001``) alone, in status order
  (no hash), the scope a hashed ``NOT IN`` of the units out of reach: ~33 ms, no worker; a commune, or a table
  not mostly all-visible (``pg_class.relallvisible``: not vacuumed, 60 bitmap heap scans would cost 287 ms),
  keeps the join (one small statement decides). Per request in process (load 8–11): PostgreSQL backend ~50 ms
  both, parallel workers ~40 → 0 ms, Python ~40 ms. This machine's PostgreSQL runs with autovacuum off: before
  the bench's VACUUM (263af8d) it kept the join. VACUUMed (both trees, same sitting, load 10–15): 3.5 → 6.4 and
  4.2 → 8.5 req/s, p99 2,800 → 1,850 and 2,490 → 1,400 ms (those runs also paused the GC, below). Not
  vacuumed (load 9–12): 5.1 req/s, p99 2,730 ms before; 11.4 req/s, p50 588, p99 1,840 ms after. Quieter
  sitting (load 3–4, VACUUMed, HEAD's bench): before 11.0 req/s, p50 679, p99 1,220 ms; after 15.5 and 16.5
  req/s, p50 440 and 399, p99 1,030 and 960 ms — at the 1 s target, not below it with margin. Tried and dropped: pausing the cyclic GC while the document is built (a request made
  ~15 young collections and every ~10th a full one over the process's ~200,000 objects, 70–150 ms inside that
  request): fine alone in process, but under ``wrk -c8`` with 4 requests per worker it made the appendix 2–10×
  slower (0.5–2.2 req/s). ``gc.freeze()`` after start-up (not done: ``api/main.py``) would take the app's own
  objects out of every full collection. The task page (``GET /tasks/{id}``, 3,300 statuses, 585 KB) is now
  written in one pass (``service.task_json``; same bytes): in process, 40 requests, same sitting, load 7–9:
  Python CPU per request (mean) 59–65 → 28–32 ms, wall median 168–255 → 68–83 ms.
- work lists and the review queue (20 rows; py-spy and per-thread cProfile in process, 06/12/2026, before the
  fix): ~50 % of the route's Python time built the statement — the work-state/rank/bucket CASEs and the
  ``due_date`` literals were made anew (2–3 times each) per request (``BindParameter.__init__`` alone 13 % of the
  samples), the scope's draft-plan alias rebuilt its column collection; ~10 % SQLAlchemy re-rendering an
  expanding ``IN ('not_started', …)`` into the SQL at every execution (post-compile); psycopg re-parsed the 5.5 KB,
  50-parameter page statement every time (its query cache stops at 4 KB / 50 parameters); each row was
  validated twice (ORM → ``AssignmentRead`` → ``WorkItemRead``) and FastAPI validated the page a third time.
  And the request hopped to a worker thread 7–8 times (session open and close, principal, ``require``, page,
  filters, route, response validation): ``Condition.notify`` + ``WorkerThread.run`` were ~20 % of the server's
  self samples under wrk. Now: expressions made once per (day, N) (``lru_cache``, immutable SQL, no rows),
  the alias once per process, ORs of equalities, psycopg's cache bound raised (``api/db.py``), one validation per
  row, the page answered as JSON bytes (``pagination.page_response``; ``response_model`` kept for the
  OpenAPI), cheap dependencies ``async``, the session opened on the event loop: 3 hops; round trips 4 → 3 (the
  statements and ROLLBACK; psycopg's BEGIN comes on top).
  Python calls per request (all threads, in process, a deterministic count): 29,500 → 18,300 (work list),
  24,400 → 18,400 (review queue).
- ``/health`` and ``/me``: the floor is uvicorn + Starlette + the middleware stack. ``/me`` (py-spy, 06/12/2026):
  ~60 % of its busy samples were psycopg sending statements (``BaseCursor._execute_send``) and ~35 % the token
  check (``get_principal``): it ran five statements — the user with its session, the memberships, then the route
  read the user and the memberships again (SQLAlchemy's identity map holds objects weakly, so they were gone) and
  the units above them. Now the token check is one statement (user, session, memberships and units) kept in the
  request's own session, and ``/me`` reuses it: two statements (``tests/test_request_statements.py``).
  Then (06/12/2026) the rest of ``/me``: ``pool_pre_ping`` sent a ``SELECT 1`` at every checkout (~10 % of its
  samples; ``/health`` paid it too); the endpoint, its validation, the principal and the session were five
  worker-thread hops. Now a pooled connection is pinged only after 5 s idle (``api/db.py``:
  ``IDLE_PING_SECONDS``; a dead one is replaced before use, ``tests/test_request_floor.py``) and ``/me`` answers
  its JSON itself: 3 hops, round trips 4 → 3 (the two statements and ROLLBACK; psycopg's BEGIN on top),
  8,800 Python calls instead of 9,600. What remains per request: FastAPI 0.165's router tree walk
  (``_get_routes_version``: ~150 calls a request over the nested routers, /health pays it too), the JSON access
  line, and PostgreSQL's BEGIN and ROLLBACK round trips of the read-only transaction — an autocommit pool for
  GET/HEAD would drop those two, but needs a guard that a GET can never write (not done).
  Figures, both trees served at once and alternated (``wrk -c8``, 4 rounds × 3 s, medians; load average 12–25
  from the other sessions on this 2-CPU machine, so only the same-round comparison means anything):
  before → after req/s: health 867 → 1,140; me 252 → 233; work_commune 56 → 80; work_district 34 → 52;
  review_queue 59 → 87; ratio to /health: me 0.29 → 0.26 (the floor itself got cheaper), work_commune
  0.062 → 0.089, work_district 0.044 → 0.041, review_queue 0.073 → 0.098.
- district work list on the national dataset (3,300 communes × 60, ~124,000 open rows; EXPLAIN ANALYZE): the
  page's ``ORDER BY work rank, due date`` sorted every open row with all its columns, spilling ~9 MB to disk
  ("external merge"), because the LIMIT sat above the scope's join (no top-N sort), plus a separate count scan
  (250 ms); the rank CASE also re-evaluated the state CASE six times per row. Now (``work.paginate_in_work_order``)
  narrow candidates fenced by ``OFFSET 0`` → "top-N heapsort, 27 kB", the count from the same scan (one statement),
  the rank from the state conditions once: 663–761 ms → 158–368 ms in process (best of 6, load 9–10). No index was
  added: the time was the sort and the CASE, not the access path.
- fourth round (06/12/2026 afternoon; yappi over all threads in process, server CPU per request from
  ``/proc`` under wrk, EXPLAIN ANALYZE): what every request still paid beyond the route's own SQL was
  (1) FastAPI 0.165's lazy router inclusion: each request walked the nested ``/api/v1`` → protected → domain
  routers, every level re-matching its whole subtree (~180 route regexes for the work list, 148 calls of
  ``_get_routes_version`` for ``/me``); now every router is included in the app itself (one level; the OpenAPI
  is byte-identical) and each router's route version is computed once (``api/main.py``: ``_freeze_routes``);
  (2) PostgreSQL's ``BEGIN`` and ``ROLLBACK`` round trips of the read-only transaction: GET/HEAD now read in
  autocommit on PostgreSQL (``api/db.py``), a document (DOCX/XLSX/CSV/PDF) in one ``REPEATABLE READ READ ONLY``
  snapshot, and a read-only session refuses any writing statement before it is sent (``ReadOnlyViolation``,
  both databases; ``tests/test_readonly_requests.py``); the session's end then needs no worker thread;
  (3) the token check built its select and loaded four ORM entities per membership row: now one pre-built
  Core statement of eight columns (1.35 → 0.65 ms CPU in process), and ``/me`` is that same one statement
  (with the account and the units' ancestors) answered on the event loop: one statement, one thread hop;
  (4) the lists built their statement (scope joins, bucket CASEs, filters, the page's subqueries) and
  SQLAlchemy walked the new tree for its cache key at every request: the count and page statements are now
  kept per (principal, date, filters, page) (``service.filtered_select``, ``lru_cache`` of 256: pure functions
  of those, no rows; filters that read the database — a criterion's subtree, a report period — are built per
  request), and the page is read on the Core connection as plain columns (no ORM instance per row).
  Server CPU per request (``/proc``, load 7–11, best of 2 rounds): work list (commune) 7.3 → 3.6–3.9 ms, work
  list (district) 9.7 → 5.0 ms, review queue 8.6 → 4.4–4.5 ms, ``/me`` 4.0 → 2.0 ms, ``/health`` 0.7–0.9 ms.
  What remains: FastAPI's parameter parsing (``request_params_to_args``: ~17 query parameters of the work list,
  each re-inspecting its annotation), the two worker-thread hops (token check, route), psycopg and pydantic.
  The district work list also costs PostgreSQL ~7 ms (the rank over the 1,750 open rows in reach).
- fifth round, the district work list (06/12/2026 evening; EXPLAIN (ANALYZE, BUFFERS) of the statements the app
  sent, and those statements replayed through psycopg as the app runs them — prepared after five runs — old and
  new alternated): the fourth round's page ranked every open row in reach, kept them all for the window count
  (national: 124,000 rows, a 9 MB tuplestore on disk, ~180 of its 326 ms) and on the demo read the full rows of
  the 1,750 again (4,266 buffers). Now (``work.WorkOrder``) two statements: the rows per work state and
  dated/undated (one scan, a plain aggregate; the sum is the total), then only the bands the page falls in, each
  ``band_conds`` (the state CASE as status and due-date conditions) ``ORDER BY due_date, id`` with the exact
  LIMIT/OFFSET from the counts, on ids, the full rows read for those ids (national: an ordered range of
  ``ix_assignment_due``, 0.3 ms; the count scan is what remains, 55–120 ms with the machine's load). Found on the
  way: psycopg prepares a statement after five runs, and PostgreSQL's generic plan of any scoped statement took
  ``org_unit.path LIKE $1 || '%'`` for ~0.5 % of the units — nationally the count read the district unit by unit
  and the page joined 85,000 rows; a subtree grant's path is now written into the SQL (``scope._path_prefix``:
  digits and slashes only) and so are the page's limits. Replayed, prepared, same run (load 7–8): national
  475 → 133 ms median, demo 21.8 → 13.7 ms (review queue 78 → 74 and 7.4 → 5.7 ms). HTTP (wrk, load 8–14, one
  sitting, the tree before this round → after): demo work_district 107 → 186 req/s (× /health 0.054 → 0.154;
  an earlier sitting 68–130 → 163–180), review_queue 0.19 → 0.20; national work_district 11.2 → 21.9 req/s, p99
  1,430 → 628 ms, review_queue 33 → 39 req/s, p99 642 → 556 ms. Rows, order and totals are those of the old
  statement (``tests/assignments/test_work_order_bands.py``). Note: this bench's PostgreSQL runs with autovacuum
  off and the demo is never analysed, so every demo plan assumes one unit in reach (per-unit bitmap scans); the
  bench now runs ``VACUUM ANALYZE`` once the data is in. A unit's own list (no subtree grant: a few dozen rows)
  stays one statement (``full_order_statements``): the two round trips of the bands made the commune officer's
  list slower (0.19 → 0.15 × /health, three alternated rounds).
- fifth round, every request (06/12/2026 evening; yappi over all threads in process, server and PostgreSQL CPU
  per request from ``/proc`` under wrk): (1) ``/me`` still loaded five ORM entities per row (user, session,
  membership, unit, ancestor: ~60 result columns, half its CPU in psycopg's column descriptions and SQLAlchemy's
  instance loading); it now reads the ~20 columns it shows (``auth.service._own_statement``): server CPU per
  request 2.2–2.5 → 1.2–1.4 ms. (2) FastAPI 0.165 asked the app's 28 included routers in turn whether one of
  their routes matched (every route regex of every router before the one that matched, then that router's again:
  ~65 regexes and ~13 router walks for the work list, ~22 % of its time in process); each router now declines at
  once a path outside its first segments (``api/routing_index.py``; ``tests/test_routing_index.py`` checks that
  every route path, with every method, is matched to the route FastAPI chooses). (3) PyJWT's verification
  (45–70 µs, base64 checks per character) ran at every request: a verified token's verdict is remembered per
  (token, key, issuer, audience) and its times checked at every use (``auth.security._verified``); the session is
  still read from the database every time. (4) The workers ``gc.freeze()`` what start-up built (~200,000
  objects a full collection walked every few large documents). Measured and left: FastAPI's query-parameter
  parsing is ~10 µs per parameter (17 on the work list; a query-parameter model is no faster), a worker-thread
  hop ~110 µs of CPU (the token check and a sync route: two), SQLAlchemy's execution ~100 µs per statement over
  the raw driver (the token check, 45 against 135–167 µs).
- sixth round (#19, 06/12/2026 night; process CPU split by thread with ``time.thread_time`` around FastAPI's
  ``solve_dependencies`` and each worker-thread call, in process on the demo; EXPLAIN ANALYZE of the generic
  plans, i.e. ``PREPARE`` + ``plan_cache_mode = force_generic_plan``, since psycopg prepares after five runs):
  (1) a measurement fault first: wrk opens its 8 connections once and now and then the kernel hands all of them
  to one worker — /health at ~1,000 instead of ~2,300 req/s, one worker at 0 s of CPU — so a floor measured so
  doubled every ratio of its run (it can explain some earlier "after" figures, e.g. /me 0.762); each run is now
  measured again when the second-busiest worker did less than a quarter of the busiest's CPU. (2) The district
  work list's page took its ids with ``IN (…)``, planned as a hash semi-join over the district's 1,753 rows, and
  its generic plan read the overdue band by bitmap and sort because ``due_date < $1`` hid the day: now
  ``= ANY(ARRAY(…))`` on PostgreSQL and the day written into the SQL — the page statement 1.13 → 0.42 ms per run,
  PostgreSQL CPU per request 2.0 → 1.1–1.4 ms. (3) Of the district work list's ~2.4 ms of server CPU, the event
  loop spent ~0.53 ms solving its eleven dependencies and ~0.27 ms on the two worker-thread hops, the caller's
  check ~0.39 ms in its thread (a pooled connection's checkout and isolation level, then one statement) and the
  route ~0.93 ms: the hot reads are now answered by ``api/one_hop.py`` (one validation of the query string,
  one thread call for caller, permission and route; the same answers: ``tests/test_one_hop.py``) — in process
  2.45 → 1.97 ms (work list), 2.49 → 1.90 (review queue), 3.30 → 3.03 (district dashboard, whose criteria
  statement also stopped re-rendering an expanding ``IN`` of 65 task ids at every execution). (4) The review
  queue's count reads ``ix_assignment_status_due`` (status, due date, id) instead of every row (0.36 → 0.24 ms).
  Tried and dropped: the work list's first page in one statement (every band's first rows in a UNION ALL with
  the total as a scalar subquery) — 1.7–1.8 ms per run against 1.17 for the two statements (the OR of the
  in-progress band's dates kept a bitmap and sort; the total still a scan); an index-only count over
  ``ix_assignment_unit_cover`` (0.75 against 0.63 ms). Left: PostgreSQL's per-row CPU of the counts (~0.5 ms for
  1,750 rows), psycopg's column descriptions (~40 objects per request), the pool's per-checkout isolation level.
- seventh round (#19, 06/12/2026 late night, a slower machine: ``/health`` 800–1,170 req/s; CPU per process read
  from ``/proc`` under ``wrk`` on the district work list, servers of both trees on one demo database): per
  request the uvicorn workers spent 5.1–5.9 ms and **PostgreSQL 3.3–3.8 ms** (not the ~1.3 ms of the last
  round's machine). In process (``time.process_time``; cProfile with ``time.thread_time`` in the worker thread):
  SQLAlchemy's execution of each statement cost ~0.3 ms over psycopg's own (compiled-cache look-up, execution
  context with every bound value processed, psycopg's column descriptions and the result metadata built from
  them): ``api/hot_rows.py`` sends a hot read statement on psycopg's cursor with the SQL and parameters
  SQLAlchemy sent the first time (same rows, same cursor listeners, SQLAlchemy for anything else:
  ``tests/test_hot_rows.py``) — the three statements 1.6–2.0 → 0.9–1.3 ms. On PostgreSQL (backend ``/proc``,
  the app's own SQL and parameters prepared as psycopg does): the counts per band were 1.8–2.3 ms a run — a scan
  of every row in reach, the approved ones filtered out, and a CASE whose statuses and ranks were parameters
  fetched and cast per row; the page 0.6–0.8 ms. Now the work order's and the buckets' statuses, states, ranks
  and day are written into the SQL (``buckets.const``/``day_literal``: the code's own words, never user input)
  and the counts read the partial index ``ix_assignment_open_work`` (unit, plan, status, due date, task) where
  status <> 'approved' alone (migration ``s23open0001``): counts 1.0–1.5 ms. Per request under ``wrk``: workers
  5.1–5.4 → 4.4–4.7 ms, PostgreSQL 3.3–3.6 → 2.7–2.9 ms.
"""

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import national  # noqa: E402

PG_BASE = national.PG_BASE
PASSWORD = "BinhGia@2024"
# --national: the demo accounts' stand-ins in bench/national.py (district admin; head and officer of commune 0)
NATIONAL_ACCOUNTS = {"noivu": "noivu.bench", "chutich.hoatham": "u10", "canbo.hoatham": "u11"}
NATIONAL_PASSWORD = "Bench@2024-pass"
P99_TARGET_MS = 1000.0
V1 = "/api/v1"
# name → (account, path template); {plan} and {evidence} are filled from the database
ROUTES: dict[str, tuple[str | None, str]] = {
    "health": (None, "/health"),
    "me": ("noivu", "/me"),
    "work_commune": ("canbo.hoatham", "/assignments/work?limit=20"),
    "work_district": ("noivu", "/assignments/work?limit=20"),
    "review_queue": ("noivu", "/assignments?status=submitted&limit=20"),
    "commune_dashboard": ("chutich.hoatham", "/dashboards/summary"),
    "district_dashboard": ("noivu", "/dashboards/summary"),
    "plan_appendix": ("noivu", "/plans/{plan}/tasks"),
    "evidence_download": ("noivu", "/evidence/{evidence}/content"),
}


# --- database and server ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_env(
    database_url: str, data_dir: Path, workers: int, port: int, demo: bool = True
) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARSIPAS_")}
    env.update(
        PARSIPAS_DATABASE_URL=database_url,
        PARSIPAS_DATA_DIR=str(data_dir),
        PARSIPAS_DEMO="1" if demo else "",
        PARSIPAS_AS_OF_DATE="2024-10-15",
        PARSIPAS_WORKERS=str(workers),
        PARSIPAS_PORT=str(port),
        PARSIPAS_HOST="127.0.0.1",
        PARSIPAS_ACCESS_TOKEN_MINUTES="240",
        PARSIPAS_SECRET_KEY="bench-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    )
    return env


def start_server(tree: Path, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    code = "import sys; from api.cli import app; sys.argv[0] = 'parsipas'; app()"
    out = log.open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-c", code, "serve"], cwd=tree, env=env, stdout=out, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{env['PARSIPAS_PORT']}{V1}/health"
    deadline = time.time() + 240
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited ({proc.returncode}); see {log}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    time.sleep(1.0)  # let the second worker finish starting
                    return proc
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise SystemExit(f"server did not answer within 240 s; see {log}")


def _descendants(pid: int) -> list[int]:
    """Every process under ``pid`` (the uvicorn workers and their helpers), read from ``/proc``."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    parents[int(entry)] = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    found: list[int] = []
    todo = [pid]
    while todo:
        parent = todo.pop()
        children = [c for c, p in parents.items() if p == parent]
        found += children
        todo += children
    return found


def _cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User + system CPU seconds of each process (0 for one that is gone)."""
    tick = os.sysconf("SC_CLK_TCK")
    out: dict[int, float] = {}
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            out[pid] = (int(fields[11]) + int(fields[12])) / tick
        except (OSError, IndexError, ValueError):
            out[pid] = 0.0
    return out


# A run in which the second-busiest worker did less than this share of the busiest one's CPU is measured again.
BALANCE = 0.25
ATTEMPTS = 4


def one_worker_only(before: dict[int, float], after: dict[int, float], workers: int) -> bool:
    """Whether a run's load went to one worker: wrk opens its connections once and the kernel hands each to
    whichever worker accepts first, so now and then every connection lands on the same one and the other idles
    (seen here: /health at ~1,000 req/s instead of ~2,300, one worker with no CPU at all). Such a run measures
    half the server, and a floor measured that way doubled every ratio of its run."""
    if workers < 2:
        return False
    spent = sorted((after[p] - before.get(p, 0.0) for p in after), reverse=True)
    return len(spent) >= 2 and spent[0] > 0 and spent[1] < BALANCE * spent[0]


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def login(base: str, username: str, password: str = PASSWORD) -> str:
    body = json.dumps({"username": username, "password": password}).encode()
    req = urllib.request.Request(
        f"{base}{V1}/auth/login", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(req, timeout=30) as r:
        return str(json.loads(r.read())["access_token"])


def ids_from_database(database_url: str) -> dict[str, int]:
    import sqlalchemy as sa

    engine = sa.create_engine(database_url)
    with engine.connect() as c:
        plan = c.execute(sa.text("SELECT id FROM plan ORDER BY id LIMIT 1")).scalar_one()
        evidence = c.execute(sa.text("SELECT id FROM evidence ORDER BY size DESC, id LIMIT 1")).scalar()
    engine.dispose()
    return {"plan": int(plan), "evidence": int(evidence or 0)}


def prepare_national(database_url: str, communes: int, tasks: int) -> None:
    """Migrate the fresh database and load bench/national.py's dataset (in this process, before the server)."""
    os.environ.setdefault("PARSIPAS_SECRET_KEY", "bench-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
    from api.auth.security import hash_password
    from api.db import make_engine
    from api.migrate import upgrade

    upgrade(database_url)
    engine = make_engine(database_url)
    started = time.perf_counter()
    n = national.generate(engine, communes, tasks, password_hash=hash_password(NATIONAL_PASSWORD))
    engine.dispose()
    print(f"national dataset: {communes:,} communes × {tasks} tasks = {n:,} assignments "
          f"({time.perf_counter() - started:.0f} s)")  # fmt: skip


def serve(args: argparse.Namespace, database_url: str, data_dir: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = server_env(database_url, data_dir, args.workers, port, demo=not args.national)
    proc = start_server(Path(args.tree).resolve(), env, data_dir / "server.log")
    vacuum_analyze(database_url)
    return proc, f"http://127.0.0.1:{port}"


def vacuum_analyze(database_url: str) -> None:
    """``VACUUM ANALYZE`` once the data is in (the demo is seeded by the server as it starts): what autovacuum does
    on a real server shortly after a load. This machine's PostgreSQL runs with autovacuum off, so without it the
    demo's tables had no statistics (every plan assumed one unit in reach) and the national tables no visibility
    map (no index-only scans): the figures described plans no deployed server would choose."""
    import sqlalchemy as sa

    engine = sa.create_engine(database_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    finally:
        engine.dispose()


def accounts(args: argparse.Namespace) -> tuple[dict[str, str], str]:
    """Demo account → the account actually used, and its password."""
    if args.national:
        return NATIONAL_ACCOUNTS, NATIONAL_PASSWORD
    return {a: a for a in ("noivu", "chutich.hoatham", "canbo.hoatham")}, PASSWORD


# --- load -------------------------------------------------------------------------------------------------

_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not m:
        raise ValueError(text)
    return float(m.group(1)) * _UNITS[m.group(2)]


def run_wrk(url: str, headers: dict[str, str], duration: int, connections: int) -> dict[str, float]:
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--timeout", "30s", "--latency"]
    for k, v in headers.items():
        cmd += ["-H", f"{k}: {v}"]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    dist = re.search(r"Latency Distribution\s+50%\s+(\S+).*?99%\s+(\S+)", out, re.S)
    if not dist:
        raise SystemExit(f"unexpected wrk output:\n{out}")
    p50, p99 = _ms(dist.group(1)), _ms(dist.group(2))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors:.*", out)
    return {
        "rps": rps,
        "p50": p50,
        "p99": p99,
        "non2xx": float(bad.group(1)) if bad else 0.0,
        "socket_errors": 1.0 if errors else 0.0,
    }


def _drive(url: str, headers: dict[str, str], duration: float, connections: int) -> None:
    """The Python load generator (run in its own process): keep-alive connections, one thread each."""
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    latencies: list[float] = []
    bad = [0]
    lock = threading.Lock()
    stop_at = time.perf_counter() + duration

    def worker() -> None:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        mine: list[float] = []
        while time.perf_counter() < stop_at:
            t0 = time.perf_counter()
            conn.request("GET", target, headers=headers)
            r = conn.getresponse()
            r.read()
            mine.append((time.perf_counter() - t0) * 1000)
            if r.status >= 400:
                with lock:
                    bad[0] += 1
        with lock:
            latencies.extend(mine)

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [latencies[0]] * 99
    print(
        json.dumps(
            {
                "rps": len(latencies) / elapsed,
                "p50": q[49],
                "p99": q[98],
                "non2xx": bad[0],
                "socket_errors": 0,
            }
        )
    )


def run_python(url: str, headers: dict[str, str], duration: int, connections: int) -> dict[str, float]:
    args = [sys.executable, __file__, "--_drive", json.dumps([url, headers, duration, connections])]
    return dict(json.loads(subprocess.run(args, capture_output=True, text=True, check=True).stdout))


# --- main -------------------------------------------------------------------------------------------------


def measure(args: argparse.Namespace) -> None:
    tree = Path(args.tree).resolve()
    loadgen = args.loadgen or ("wrk" if shutil.which("wrk") else "python")
    database_url, drop = national.create_database(args.pg)
    data_dir = Path(tempfile.mkdtemp(prefix="parsipas-bench-http-"))
    proc = None
    try:
        if args.national:
            prepare_national(database_url, args.communes, args.tasks)
        proc, base = serve(args, database_url, data_dir)
        ids = ids_from_database(database_url)
        who, password = accounts(args)
        tokens = {a: login(base, who[a], password) for a, _ in ROUTES.values() if a}
        names = [n for n in ROUTES if not args.only or n in args.only.split(",") or n == "health"]
        if not ids["evidence"]:
            names = [n for n in names if n != "evidence_download"]
        print(
            f"tree {tree} · {'national dataset' if args.national else 'Bình Gia demo'} · {args.workers} workers"
            f" · {loadgen} -c{args.connections} · {args.duration} s each"
            f"{' · Accept-Encoding: gzip' if args.gzip else ''} · load average {os.getloadavg()[0]:.2f}"
        )
        print(f"{'route':<20} {'req/s':>9} {'p50 ms':>9} {'p99 ms':>9} {'× /health':>10}  errors  load")
        floor = None
        worst = 0.0
        for name in names:
            account, template = ROUTES[name]
            headers = {"Authorization": f"Bearer {tokens[account]}"} if account else {}
            if args.gzip:
                headers["Accept-Encoding"] = "gzip"
            url = base + V1 + template.format(**ids)
            run = run_wrk if loadgen == "wrk" else run_python
            for attempt in range(1, ATTEMPTS + 1):
                pids = _descendants(proc.pid)
                before = _cpu_seconds(pids)
                r = run(url, headers, args.duration, args.connections)
                if not one_worker_only(before, _cpu_seconds(pids), args.workers):
                    break
                print(
                    f"  ({name}: every connection went to one worker; measured again, {attempt}/{ATTEMPTS})"
                )
            floor = floor or r["rps"]
            worst = max(worst, r["p99"])
            print(
                f"{name:<20} {r['rps']:>9.1f} {r['p50']:>9.2f} {r['p99']:>9.2f} {r['rps'] / floor:>10.3f}  "
                f"{int(r['non2xx']):>6}{' socket' if r['socket_errors'] else ''}  {os.getloadavg()[0]:.2f}",
                flush=True,
            )
        if args.national:
            verdict = "✓" if worst <= P99_TARGET_MS else "✗"
            print(f"national dataset: worst p99 {worst:,.0f} ms (target ≤ {P99_TARGET_MS:,.0f} ms) {verdict}")
    finally:
        if proc is not None:
            stop_server(proc)
        drop()
        shutil.rmtree(data_dir, ignore_errors=True)


def profile(args: argparse.Namespace) -> None:
    """One route under load (wrk or the Python generator) while py-spy samples every server process; prints the
    functions holding the most CPU samples, inclusive and self."""
    database_url, drop = national.create_database(args.pg)
    data_dir = Path(tempfile.mkdtemp(prefix="parsipas-bench-prof-"))
    if args.national:
        prepare_national(database_url, args.communes, args.tasks)
    proc, base = serve(args, database_url, data_dir)
    raw = data_dir / "profile.txt"
    try:
        ids = ids_from_database(database_url)
        account, template = ROUTES[args.profile]
        who, password = accounts(args)
        headers = {"Authorization": f"Bearer {login(base, who[account], password)}"} if account else {}
        spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
        sampler = subprocess.Popen(
            [
                spy,
                "record",
                "--subprocesses",
                "--nonblocking",
                "--format",
                "raw",
                "-r",
                "200",
                "-d",
                str(args.duration),
                "-o",
                str(raw),
                "-p",
                str(proc.pid),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        run = (
            run_wrk if (args.loadgen or ("wrk" if shutil.which("wrk") else "python")) == "wrk" else run_python
        )
        r = run(base + V1 + template.format(**ids), headers, args.duration, args.connections)
        sampler.wait(timeout=120)
        print(f"{args.profile}: {r['rps']:.1f} req/s, p50 {r['p50']:.2f} ms while sampled")
        print(summarise(raw.read_text()))
    finally:
        stop_server(proc)
        drop()
        shutil.rmtree(data_dir, ignore_errors=True)


# Leaf frames that mean "not using the CPU here": waiting for PostgreSQL, a lock or the event loop's poll.
IDLE = frozenset(
    {"Condition.wait", "Runner.run", "Connection.wait", "Connection._recv", "select", "poll", "epoll"}
)


def summarise(collapsed: str, top: int = 28) -> str:
    """Inclusive and self share of CPU samples per function (py-spy's collapsed stacks)."""
    inclusive: dict[str, int] = {}
    own: dict[str, int] = {}
    total = waiting = 0
    for line in collapsed.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        frames = [re.sub(r" \((.*?)/site-packages/", " (", f) for f in stack.split(";")[2:]]
        if frames and frames[-1].split(" (")[0] in IDLE:
            waiting += n
            continue
        total += n
        for f in set(frames):
            inclusive[f] = inclusive.get(f, 0) + n
        if frames:
            own[frames[-1]] = own.get(frames[-1], 0) + n
    if not total:
        return "(no samples)"
    out = [
        f"{total} busy samples ({waiting} more waiting: on PostgreSQL, the GIL or the event loop); inclusive:"
    ]
    for f, n in sorted(inclusive.items(), key=lambda kv: -kv[1])[:top]:
        out.append(f"  {100 * n / total:5.1f}%  {f[:150]}")
    out.append("self:")
    for f, n in sorted(own.items(), key=lambda kv: -kv[1])[: top // 2]:
        out.append(f"  {100 * n / total:5.1f}%  {f[:150]}")
    return "\n".join(out)


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--_drive":
        _drive(*json.loads(sys.argv[2]))
        return
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--duration", type=int, default=8)
    p.add_argument("--connections", type=int, default=8)
    p.add_argument("--gzip", action="store_true", help="send Accept-Encoding: gzip")
    p.add_argument("--only", default="", help="comma-separated route names (health always runs)")
    p.add_argument("--tree", default=str(ROOT), help="the checkout whose code is served")
    p.add_argument("--pg", default=PG_BASE)
    p.add_argument("--loadgen", choices=["wrk", "python"], default=None)
    p.add_argument("--profile", choices=list(ROUTES), default=None)
    p.add_argument("--national", action="store_true", help="the 3,300-commune dataset (bench/national.py)")
    p.add_argument("--communes", type=int, default=3300)
    p.add_argument("--tasks", type=int, default=60)
    args = p.parse_args()
    (profile if args.profile else measure)(args)


if __name__ == "__main__":
    main()
