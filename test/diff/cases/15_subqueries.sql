-- Subqueries and CTEs: scalar subqueries (incl. correlated, NULL when empty, 21000 when
-- more than one row), IN / NOT IN (with NULLs), EXISTS / NOT EXISTS, ANY / ALL,
-- subqueries in FROM, WITH (several, referencing each other), WITH RECURSIVE.

CREATE TABLE dept (id int PRIMARY KEY, name text);
CREATE TABLE staff (id int PRIMARY KEY, dept_id int, name text, pay int);
INSERT INTO dept VALUES (1, 'eng'), (2, 'ops'), (3, 'empty');
INSERT INTO staff VALUES (1, 1, 'ann', 100), (2, 1, 'ben', 80), (3, 2, 'cat', 90), (4, 2, 'dan', 60), (5, NULL, 'eli', 50);

SELECT (SELECT max(pay) FROM staff), (SELECT name FROM dept WHERE id = 2), (SELECT name FROM dept WHERE id = 99);
SELECT name, pay, (SELECT avg(pay) FROM staff) AS overall FROM staff ORDER BY id;
SELECT d.name, (SELECT count(*) FROM staff s WHERE s.dept_id = d.id) AS n, (SELECT max(pay) FROM staff s WHERE s.dept_id = d.id) AS top FROM dept d ORDER BY d.id;
SELECT name FROM staff s WHERE pay > (SELECT avg(pay) FROM staff t WHERE t.dept_id = s.dept_id) ORDER BY name;
SELECT name FROM staff WHERE pay = (SELECT max(pay) FROM staff);
-- error: 21000
SELECT (SELECT id FROM staff);
-- error: 42601
SELECT (SELECT id, name FROM staff WHERE id = 1);

SELECT name FROM staff WHERE dept_id IN (SELECT id FROM dept WHERE name <> 'ops') ORDER BY name;
SELECT name FROM staff WHERE dept_id NOT IN (SELECT id FROM dept WHERE name = 'ops') ORDER BY name;
SELECT name FROM dept WHERE id NOT IN (SELECT dept_id FROM staff) ORDER BY name;
SELECT name FROM dept WHERE id NOT IN (SELECT dept_id FROM staff WHERE dept_id IS NOT NULL) ORDER BY name;
SELECT 2 IN (SELECT dept_id FROM staff), 3 IN (SELECT dept_id FROM staff), 3 NOT IN (SELECT dept_id FROM staff);
SELECT name FROM dept d WHERE EXISTS (SELECT 1 FROM staff s WHERE s.dept_id = d.id) ORDER BY name;
SELECT name FROM dept d WHERE NOT EXISTS (SELECT 1 FROM staff s WHERE s.dept_id = d.id) ORDER BY name;
SELECT EXISTS (SELECT 1 FROM staff WHERE pay > 1000), NOT EXISTS (SELECT 1 FROM staff WHERE pay > 1000);
SELECT name FROM staff WHERE pay > ALL (SELECT pay FROM staff WHERE dept_id = 2) ORDER BY name;
SELECT name FROM staff WHERE pay < ANY (SELECT pay FROM staff WHERE dept_id = 2) ORDER BY name;
SELECT name FROM staff WHERE pay = ANY (ARRAY[60, 90, 200]) ORDER BY name;
SELECT name, pay FROM staff WHERE (dept_id, pay) IN (SELECT dept_id, max(pay) FROM staff GROUP BY dept_id) ORDER BY name;
SELECT s.name, d.name FROM staff s, LATERAL (SELECT name FROM dept WHERE id = s.dept_id) d ORDER BY 1;

SELECT t.dept_id, t.total FROM (SELECT dept_id, sum(pay) AS total FROM staff GROUP BY dept_id) t WHERE t.total > 100 ORDER BY 1;
SELECT avg(n) FROM (SELECT count(*) AS n FROM staff GROUP BY dept_id) AS counts;
SELECT * FROM (SELECT name, pay FROM staff ORDER BY pay DESC LIMIT 2) top ORDER BY name;

WITH rich AS (SELECT * FROM staff WHERE pay >= 80) SELECT name FROM rich ORDER BY name;
WITH a AS (SELECT dept_id, sum(pay) AS total FROM staff GROUP BY dept_id), b AS (SELECT max(total) AS m FROM a) SELECT a.dept_id FROM a, b WHERE a.total = b.m;
WITH d AS (SELECT id, name FROM dept) SELECT s.name, d.name FROM staff s LEFT JOIN d ON d.id = s.dept_id ORDER BY s.id;
WITH x(n) AS (VALUES (1), (2)) SELECT n * 10 FROM x ORDER BY 1;
-- extended
WITH RECURSIVE nums(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM nums WHERE n < 5) SELECT n, n * n FROM nums ORDER BY n;
WITH RECURSIVE fib(a, b, i) AS (SELECT 0::int8, 1::int8, 1 UNION ALL SELECT b, a + b, i + 1 FROM fib WHERE i < 20) SELECT i, a FROM fib WHERE i % 5 = 0 ORDER BY i;
CREATE TABLE tree (id int PRIMARY KEY, parent int, label text);
INSERT INTO tree VALUES (1, NULL, 'root'), (2, 1, 'a'), (3, 1, 'b'), (4, 2, 'a1'), (5, 4, 'a1x');
WITH RECURSIVE sub AS (SELECT id, label, 0 AS depth FROM tree WHERE id = 2 UNION ALL SELECT t.id, t.label, s.depth + 1 FROM tree t JOIN sub s ON t.parent = s.id) SELECT * FROM sub ORDER BY depth, id;
WITH RECURSIVE path AS (SELECT id, label::text AS p FROM tree WHERE parent IS NULL UNION ALL SELECT t.id, path.p || '/' || t.label FROM tree t JOIN path ON t.parent = path.id) SELECT p FROM path ORDER BY p;
WITH upd AS (UPDATE staff SET pay = pay + 1 WHERE dept_id = 1 RETURNING name, pay) SELECT * FROM upd ORDER BY name;
SELECT name, pay FROM staff WHERE dept_id = 1 ORDER BY name;
-- error: 42P01
WITH a AS (SELECT 1) SELECT * FROM b;
