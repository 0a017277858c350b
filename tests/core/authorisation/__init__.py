"""The authorisation matrix: every URL of the project, for every role, against own and foreign objects.

The package:

* `matrix.py`: the actors, the `Row` of a URL with its table of codes, the shared tables and the
  check of an answer against a code;
* `world.py`: the objects every row runs against (`_build_matrix_world`, the `mw` fixture) and the
  target sets, {label: kwargs-builder}, of the URLs that take an object;
* `rows_core.py`, `rows_contracts.py`, `rows_compliance.py`, `rows_clauses.py`: the rows of each
  URL namespace; the feature modules `tests/core/matrix_*.py` (work sites, training,
  subcontracts, exports, tenancy, duties) keep their own rows and objects;
* `assembly.py`: MATRIX, assembled from the rows modules listed in its ROW_MODULES;
* `test_matrix.py`: the matrix itself (every URL has a row, every cell holds), the subcontractor
  sweep and the pages with conditions a table cannot express;
* `test_scoping.py`: what a table cannot say (which rows a list shows, whose data a page names).

How to extend it when you add a URL (a new URL without a row fails
`test_every_url_is_described` in test_matrix.py):

1. If the URL takes an object, add (or reuse) a target set: a dict {label: kwargs-builder}.
   Labels ending in `_a` are side a's objects (OWN for the actors, who are all from side a);
   labels ending in `_b` are side b's (FOREIGN). The core apps' target sets are in `world.py`
   and their objects are built in `_build_matrix_world`; a feature's or app's own objects are
   built by its rows module's `extend_world(mw)` (kept in `mw.extra` or the world's dicts), and
   its target sets live in that module.
2. Add a `Row` under the URL's full name (`namespace:name` for namespaced apps) to the rows module
   of its namespace: `rows_core.py` (core:), `rows_contracts.py` (contracts:),
   `rows_compliance.py` (compliance:), `rows_clauses.py` (clauses:), or the feature module that
   owns the page (`tests/core/matrix_*.py`). A new app adds its own `rows_<app>.py` in this
   package, with `rows(m) -> {name: Row}` (and `extend_world(mw)` when it needs objects), and
   registers it in ROW_MODULES in `assembly.py` (order matters: `rows(m)` sees the rows before it
   in `m.MATRIX`, and `matrix_tenancy` adds columns to every row over CONTRACTS before it).
   Each row has a table: one column per target, one line per actor (all seven actors, no
   defaults: an explicit table is the review). Codes:
       200, 404, 410, ...  exactly that status
       L                   302 to the login page
       R                   302 somewhere other than the login page
       200|503             any of these statuses
3. POST-only URLs get `method=POST` (and `data` for the body); they are also checked to answer
   405 to GET. If a POST changes something, give the row a `state` snapshot: an R must change it,
   any other answer must leave it untouched. `patches` replaces slow collaborators (a PDF
   renderer) for the request: the matrix is about who gets an answer, not about its content.
4. What a table cannot say (which rows a list shows, whose data a page names) goes into the
   content-scoping tests in `test_scoping.py`.

The objects are built once per test module (the `mw` fixture of `world.py`, offered to this
package by its conftest) inside a transaction that is rolled back at the end; each test runs in its
own nested transaction (pytest-django's `db`), so tests cannot see each other's writes.
"""
