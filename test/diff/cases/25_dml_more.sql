-- More DML shapes: INSERT ... SELECT from the same table (reads a snapshot, no Halloween
-- effect), UPDATE with scalar subqueries and self-references, DELETE with IN/EXISTS
-- subqueries, primary-key updates that move rows, UPDATE of every row, and RETURNING of
-- expressions and of old-vs-new values.

CREATE TABLE t (id int PRIMARY KEY, grp text NOT NULL, n int);
INSERT INTO t SELECT g, CASE WHEN g % 2 = 0 THEN 'even' ELSE 'odd' END, g * 10 FROM generate_series(1, 6) g;
INSERT INTO t SELECT id + 100, grp, n FROM t;
SELECT count(*), sum(n) FROM t;
INSERT INTO t SELECT id + 1000, grp, n FROM t WHERE id > 100;
SELECT count(*), min(id), max(id) FROM t;
UPDATE t SET n = n + 1;
SELECT sum(n) FROM t;
UPDATE t SET n = (SELECT max(n) FROM t) WHERE id = 1;
SELECT n FROM t WHERE id = 1;
UPDATE t SET n = n * 2 WHERE id IN (SELECT id FROM t WHERE grp = 'even' AND id < 100);
SELECT id, n FROM t WHERE id < 100 ORDER BY id;
UPDATE t SET n = sub.total FROM (SELECT grp, sum(n) AS total FROM t WHERE id < 100 GROUP BY grp) sub WHERE t.grp = sub.grp AND t.id < 3;
SELECT id, n FROM t WHERE id < 3 ORDER BY id;
-- rowsort
UPDATE t SET id = id + 5000 WHERE id > 1100 RETURNING id, grp;
SELECT count(*) FROM t WHERE id > 5000;
SELECT id FROM t WHERE id BETWEEN 1100 AND 1200 ORDER BY id;
-- error: 23505
UPDATE t SET id = 1 WHERE id = 2;
UPDATE t SET id = -id WHERE id < 3;
SELECT id FROM t WHERE id < 10 ORDER BY id;
DELETE FROM t WHERE id IN (SELECT id FROM t WHERE n > 100 AND id > 1000);
SELECT count(*) FROM t;
DELETE FROM t a WHERE EXISTS (SELECT 1 FROM t b WHERE b.id = a.id + 100);
SELECT id FROM t ORDER BY id;
DELETE FROM t WHERE n IS NULL;
-- rowsort
UPDATE t SET n = NULL WHERE grp = 'odd' RETURNING id, n IS NULL AS cleared;
SELECT grp, count(n), count(*) FROM t GROUP BY grp ORDER BY grp;
-- rowsort
UPDATE t SET grp = upper(grp), n = coalesce(n, -1) * 2 WHERE id > 100 RETURNING id, grp, n;
-- rowsort
DELETE FROM t RETURNING id * 2 AS twice, grp;
SELECT count(*) FROM t;
INSERT INTO t VALUES (1, 'a', 1), (2, 'b', 2) RETURNING id, grp, n + 0.5 AS half, 'const' AS c;
INSERT INTO t (id, grp) SELECT max(id) + 1, 'next' FROM t RETURNING *;
UPDATE t SET n = n WHERE false;
DELETE FROM t WHERE id = (SELECT min(id) FROM t) RETURNING id;
SELECT * FROM t ORDER BY id;
