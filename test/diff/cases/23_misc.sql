-- Odds and ends clients send: identifier case folding and quoting, reserved words as
-- quoted names, comments inside statements, TABLE t, FOR UPDATE / FOR SHARE, SQL-level
-- PREPARE / EXECUTE / DEALLOCATE, column aliases in FROM, and row-value comparisons.

CREATE TABLE "MixedCase" ("Id" int PRIMARY KEY, "select" text, plain int);
INSERT INTO "MixedCase" VALUES (1, 'kw', 10), (2, NULL, 20);
SELECT "Id", "select", plain, PLAIN AS "Upper" FROM "MixedCase" ORDER BY "Id";
-- error: 42P01
SELECT * FROM mixedcase;
-- error: 42703
SELECT id FROM "MixedCase";
CREATE TABLE Folded (ColA int, "ColB" int);
INSERT INTO FOLDED (cola, "ColB") VALUES (1, 2);
SELECT cola, COLA, "ColB" FROM folded;
SELECT /* inline comment */ 1 AS a, -- trailing comment
  2 AS b;
TABLE folded;
SELECT t.x, t.y FROM "MixedCase" AS t(x, y) ORDER BY t.x;
SELECT * FROM "MixedCase" WHERE "Id" = 1 FOR UPDATE;
SELECT plain FROM "MixedCase" WHERE "Id" = 2 FOR SHARE;
BEGIN;
SELECT "Id" FROM "MixedCase" ORDER BY "Id" FOR UPDATE;
UPDATE "MixedCase" SET plain = plain + 1;
COMMIT;
SELECT plain FROM "MixedCase" ORDER BY plain;

PREPARE get_plain (int) AS SELECT plain FROM "MixedCase" WHERE "Id" = $1;
-- extended
EXECUTE get_plain(2);
EXECUTE get_plain (1);
PREPARE add_row (int, text) AS INSERT INTO "MixedCase" ("Id", "select") VALUES ($1, $2);
EXECUTE add_row(3, 'prepared');
SELECT "Id", "select" FROM "MixedCase" ORDER BY "Id";
-- error: 42P05
PREPARE get_plain (int) AS SELECT 1;
DEALLOCATE get_plain;
-- error: 26000
EXECUTE get_plain(1);
DEALLOCATE ALL;
-- error: 26000
EXECUTE add_row(4, 'gone');

SELECT (1, 2) = (1, 2), (1, 2) < (1, 3), (1, NULL) = (1, 2), (2, 'a') > (1, 'z'), ROW(1, 'x') IS NOT NULL;
SELECT "Id" FROM "MixedCase" WHERE ("Id", plain) > (1, 0) ORDER BY 1;
SELECT 'a' AS "x y", 1 AS "1", 2 AS "CASE", 3 "from";
SELECT U&'\0041' AS u, 'multi'
  'line' AS m, $$dollar 'quoted'$$ AS d, $q$with $$ inside$q$ AS q;
SELECT length(repeat('x', 10000)), md5(repeat('ab', 5000));
