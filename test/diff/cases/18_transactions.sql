-- Transactions and session settings: BEGIN / COMMIT / ROLLBACK (and their tags and
-- warnings), START TRANSACTION, SAVEPOINT / ROLLBACK TO / RELEASE, 25P02 in an aborted
-- transaction, 3B001 missing savepoint, errors inside savepoints, SET / SHOW / RESET,
-- SET LOCAL, and read-only transactions (25006).

CREATE TABLE acct (id int PRIMARY KEY, bal int NOT NULL CHECK (bal >= 0));
INSERT INTO acct VALUES (1, 100), (2, 50);
BEGIN;
UPDATE acct SET bal = bal - 30 WHERE id = 1;
UPDATE acct SET bal = bal + 30 WHERE id = 2;
SELECT * FROM acct ORDER BY id;
COMMIT;
SELECT * FROM acct ORDER BY id;
BEGIN;
DELETE FROM acct;
INSERT INTO acct VALUES (9, 9);
SELECT count(*) FROM acct;
ROLLBACK;
SELECT * FROM acct ORDER BY id;
START TRANSACTION;
INSERT INTO acct VALUES (3, 0);
END;
SELECT count(*) FROM acct;

BEGIN;
INSERT INTO acct VALUES (4, 1);
-- error: 23505
INSERT INTO acct VALUES (1, 1);
-- error: 25P02
SELECT 1;
-- error: 25P02
INSERT INTO acct VALUES (5, 5);
COMMIT;
SELECT count(*) FROM acct WHERE id IN (4, 5);

BEGIN;
-- error: 22012
SELECT 1 / 0;
ROLLBACK;
SELECT 'usable again';

BEGIN;
INSERT INTO acct VALUES (10, 10);
SAVEPOINT sp1;
INSERT INTO acct VALUES (11, 11);
ROLLBACK TO SAVEPOINT sp1;
INSERT INTO acct VALUES (12, 12);
SAVEPOINT sp2;
-- error: 23514
UPDATE acct SET bal = -1 WHERE id = 10;
-- error: 25P02
SELECT * FROM acct;
ROLLBACK TO sp2;
SELECT id FROM acct WHERE id >= 10 ORDER BY id;
SAVEPOINT sp3;
INSERT INTO acct VALUES (13, 13);
RELEASE SAVEPOINT sp3;
SAVEPOINT sp4;
DELETE FROM acct WHERE id = 10;
RELEASE sp4;
-- error: 3B001
ROLLBACK TO sp4;
ROLLBACK TO sp1;
SELECT id FROM acct WHERE id >= 10 ORDER BY id;
INSERT INTO acct VALUES (14, 14);
COMMIT;
SELECT id FROM acct WHERE id >= 10 ORDER BY id;

BEGIN;
SAVEPOINT a;
SAVEPOINT b;
INSERT INTO acct VALUES (20, 20);
ROLLBACK TO a;
SAVEPOINT a;
INSERT INTO acct VALUES (21, 21);
RELEASE a;
COMMIT;
SELECT id FROM acct WHERE id >= 20 ORDER BY id;
-- error: 25P01
SAVEPOINT outside;
-- error: 25P01
RELEASE SAVEPOINT nope;

COMMIT;
ROLLBACK;
BEGIN;
BEGIN;
COMMIT;

BEGIN TRANSACTION READ ONLY;
SELECT count(*) FROM acct;
-- error: 25006
INSERT INTO acct VALUES (30, 30);
ROLLBACK;
BEGIN ISOLATION LEVEL SERIALIZABLE;
SHOW transaction_isolation;
COMMIT;

-- extended
SHOW DateStyle;
SHOW client_encoding;
SHOW standard_conforming_strings;
SHOW integer_datetimes;
SET application_name = 'difftest';
SHOW application_name;
SET extra_float_digits = 0;
SELECT 0.1::float8 + 0.2::float8, 1.0::float8 / 3;
RESET extra_float_digits;
SELECT 0.1::float8 + 0.2::float8;
SET search_path = public;
SHOW search_path;
RESET search_path;
SHOW search_path;
BEGIN;
SET LOCAL application_name = 'local';
SHOW application_name;
COMMIT;
SHOW application_name;
BEGIN;
SET application_name = 'rolled back';
ROLLBACK;
SHOW application_name;
SELECT current_setting('application_name'), set_config('application_name', 'viafunc', false);
SHOW application_name;
-- error: 42704
SHOW no_such_setting;
-- error: 42704
SET no_such_setting = 1;
-- error: 22023
SET extra_float_digits = 'abc';
-- error: 22P02
SELECT 'x'::int;
SELECT 'still fine';
