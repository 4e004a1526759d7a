-- bool input and output, three-valued logic, IS [NOT] DISTINCT FROM, CASE (simple and
-- searched), COALESCE, NULLIF, GREATEST / LEAST, and NULL propagation.

SELECT true, false, 't'::bool, 'yes'::bool, 'off'::bool, '1'::bool, ' TRUE '::bool;
SELECT true AND NULL, false AND NULL, true OR NULL, false OR NULL, NOT NULL::bool;
SELECT NULL = NULL, NULL IS NULL, NULL IS NOT DISTINCT FROM NULL, 1 IS DISTINCT FROM NULL, 1 IS DISTINCT FROM 1;
SELECT true IS TRUE, NULL::bool IS UNKNOWN, false IS NOT TRUE, NULL::bool IS NOT FALSE;
SELECT true > false, true::int, 0::bool, 5::bool, 'true'::bool::text;
-- error: 22P02
SELECT 'maybe'::bool;
SELECT CASE WHEN 1 > 2 THEN 'a' WHEN 2 > 1 THEN 'b' ELSE 'c' END, CASE 3 WHEN 1 THEN 'one' WHEN 3 THEN 'three' END, CASE WHEN false THEN 1 END;
SELECT CASE NULL WHEN NULL THEN 'matched' ELSE 'not matched' END, CASE WHEN NULL THEN 1 ELSE 2 END;
SELECT pg_typeof(CASE WHEN true THEN 1 ELSE 2.5 END), CASE WHEN true THEN 1 ELSE 2.5 END, pg_typeof(CASE WHEN true THEN 1 ELSE NULL END);
SELECT COALESCE(NULL, NULL, 3, 4), COALESCE(NULL::int, 1), COALESCE('a', 'b'), pg_typeof(COALESCE(1, 2.5)), COALESCE(NULL, 2.50);
SELECT NULLIF(1, 1), NULLIF(1, 2), NULLIF('a', 'b'), NULLIF(NULL, 1);
SELECT GREATEST(1, 5, 3), LEAST(1, 5, 3), GREATEST(1, NULL, 3), LEAST(NULL::int, NULL), GREATEST('apple', 'banana'), GREATEST(1, 2.5);
SELECT 1 BETWEEN 0 AND 2, 5 NOT BETWEEN 1 AND 3, 2 BETWEEN SYMMETRIC 3 AND 1, NULL BETWEEN 1 AND 2;
SELECT 3 IN (1, 2, 3), 4 IN (1, 2, NULL), 4 NOT IN (1, 2), 4 NOT IN (1, NULL), NULL IN (1);
-- error: 22012
SELECT CASE WHEN 1 = 1 THEN 1 / 0 ELSE 0 END;
SELECT CASE WHEN 1 = 0 THEN 1 / 0 ELSE 0 END;
-- error: 22P02
SELECT CASE WHEN true THEN 1 ELSE 'x' END;
-- error: 42804
SELECT CASE WHEN true THEN 1 ELSE 'x'::text END;
-- error: 42804
SELECT 1 WHERE 1;

CREATE TABLE flags (id int PRIMARY KEY, a bool, b bool, n int);
INSERT INTO flags VALUES (1, true, true, 1), (2, true, false, NULL), (3, false, NULL, 3), (4, NULL, NULL, NULL), (5, false, false, 5);
SELECT id, a AND b, a OR b, NOT a, a IS DISTINCT FROM b FROM flags ORDER BY id;
SELECT id FROM flags WHERE a ORDER BY id;
SELECT id FROM flags WHERE NOT a ORDER BY id;
SELECT id FROM flags WHERE b IS NOT TRUE ORDER BY id;
SELECT id, COALESCE(n, -1), NULLIF(n, 3), CASE WHEN n IS NULL THEN 'none' WHEN n > 2 THEN 'big' ELSE 'small' END FROM flags ORDER BY id;
SELECT id, GREATEST(n, 2), LEAST(n, 2) FROM flags ORDER BY id;
SELECT bool_and(a), bool_or(a), bool_and(b), bool_or(b), every(id > 0) FROM flags;
SELECT a, count(*) FROM flags GROUP BY a ORDER BY a NULLS FIRST;
SELECT id FROM flags WHERE a IS NULL OR b IS NULL ORDER BY id DESC;
