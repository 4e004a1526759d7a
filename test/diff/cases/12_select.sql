-- SELECT basics: WHERE with all comparison forms, ORDER BY (ASC/DESC, NULLS FIRST/LAST,
-- by ordinal, alias, expression), LIMIT/OFFSET, DISTINCT, DISTINCT ON, column aliases
-- and ?column?, VALUES lists, SELECT without FROM, and a few name-resolution errors.

CREATE TABLE emp (id int PRIMARY KEY, name text NOT NULL, dept text, salary int, boss int);
INSERT INTO emp VALUES
  (1, 'ada', 'eng', 120, NULL), (2, 'bob', 'eng', 100, 1), (3, 'cyd', 'ops', 90, 1),
  (4, 'dee', 'ops', NULL, 3), (5, 'eve', NULL, 80, 3), (6, 'fay', 'eng', 100, 2),
  (7, 'gus', 'sales', 70, NULL), (8, 'hal', 'sales', 75, 7);

SELECT * FROM emp ORDER BY id;
SELECT name, salary FROM emp WHERE salary > 90 ORDER BY salary DESC, name;
SELECT name FROM emp WHERE salary >= 100 AND dept = 'eng' ORDER BY name;
SELECT name FROM emp WHERE dept <> 'eng' OR dept IS NULL ORDER BY name;
SELECT name FROM emp WHERE salary BETWEEN 75 AND 100 ORDER BY name;
SELECT name FROM emp WHERE dept IN ('ops', 'sales') ORDER BY name;
SELECT name FROM emp WHERE dept NOT IN ('ops', 'sales') ORDER BY name;
SELECT name FROM emp WHERE name LIKE '_a%' ORDER BY name;
SELECT name FROM emp WHERE boss IS NULL ORDER BY name;
SELECT name FROM emp WHERE NOT (salary < 100) ORDER BY name;

SELECT name, salary FROM emp ORDER BY salary, name;
SELECT name, salary FROM emp ORDER BY salary DESC, name;
SELECT name, salary FROM emp ORDER BY salary NULLS FIRST, name;
SELECT name, salary FROM emp ORDER BY salary DESC NULLS LAST, name DESC;
SELECT name, dept FROM emp ORDER BY dept NULLS FIRST, name DESC;
SELECT name, salary * 2 AS double FROM emp ORDER BY double DESC NULLS LAST, 1;
SELECT name, salary FROM emp ORDER BY 2 DESC, 1 LIMIT 3;
SELECT name FROM emp ORDER BY length(name) * -1, name;
SELECT name FROM emp ORDER BY id LIMIT 3 OFFSET 2;
SELECT name FROM emp ORDER BY id OFFSET 6;
SELECT name FROM emp ORDER BY id LIMIT 0;
SELECT name FROM emp ORDER BY id LIMIT ALL OFFSET 7;
SELECT name FROM emp ORDER BY id OFFSET 2 ROWS FETCH FIRST 2 ROWS ONLY;
-- error: 2201W
SELECT name FROM emp LIMIT -1;
-- error: 2201X
SELECT name FROM emp OFFSET -1;

SELECT DISTINCT dept FROM emp ORDER BY dept;
SELECT DISTINCT dept, salary > 90 AS rich FROM emp ORDER BY 1, 2;
SELECT DISTINCT salary FROM emp ORDER BY salary DESC NULLS LAST;
SELECT DISTINCT ON (dept) dept, name, salary FROM emp ORDER BY dept, salary DESC NULLS LAST, name;
SELECT DISTINCT ON (boss) boss, name FROM emp ORDER BY boss NULLS FIRST, name DESC;
SELECT count(DISTINCT dept), count(dept), count(*) FROM emp;
-- error: 42P10
SELECT DISTINCT ON (dept) name FROM emp ORDER BY name;

SELECT 1 + 1, 'a' AS "Quoted Name", 2 AS two, true;
SELECT id AS "ID", name "N" FROM emp WHERE id = 1;
SELECT e.name, e.dept FROM emp AS e WHERE e.id = 2;
SELECT emp.* FROM emp WHERE id = 3;
SELECT * FROM (VALUES (1, 'x'), (2, 'y')) AS v(n, s) ORDER BY n DESC;
-- extended
VALUES (3, 'c'), (1, 'a'), (2, NULL);
SELECT column1, column2 FROM (VALUES (1, 2.5), (2, 3)) AS v ORDER BY column1;
-- extended
SELECT * FROM emp WHERE false;
SELECT name, salary, salary / 10 AS tenth, salary % 7 AS r, -salary FROM emp WHERE salary IS NOT NULL ORDER BY id;
SELECT upper(name) AS n, dept || '/' || name AS path FROM emp ORDER BY n;
-- error: 42703
SELECT nope FROM emp;
-- error: 42702
SELECT id FROM emp a, emp b;
-- error: 42P01
SELECT x.id FROM emp;
-- error: 42601
SELECT FROM WHERE;
-- error: 42803
SELECT name, count(*) FROM emp;
-- error: 42883
SELECT nosuchfunc(1);
