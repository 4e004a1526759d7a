-- Smoke test of the runner itself.
SELECT 1 AS one, 'x' AS two;
CREATE TABLE t (a int PRIMARY KEY, b text);
INSERT INTO t VALUES (1, 'a'), (2, 'b');
-- rowsort
SELECT * FROM t;
-- error: 23505
INSERT INTO t VALUES (1, 'dup');
-- params: [1]
SELECT b FROM t WHERE a = $1;
-- extended
SELECT a, b, a::numeric / 3 FROM t ORDER BY a;
