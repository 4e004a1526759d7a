-- Two or three sessions on the same database (`-- conn: n`): committed writes are visible
-- to the other session, rolled-back writes never appear, DDL and sequences are shared,
-- session settings and errors are not. No session reads rows another session has
-- written but not yet committed: PostgreSQL returns the old rows, while Shoal (like
-- CockroachDB) makes the reader wait for the writer, which would hang a one-at-a-time script.

CREATE TABLE shared (id int PRIMARY KEY, v text);
CREATE TABLE other (id int PRIMARY KEY);
INSERT INTO shared VALUES (1, 'committed');
-- conn: 2
SELECT * FROM shared ORDER BY id;
BEGIN;
INSERT INTO shared VALUES (2, 'pending');
UPDATE shared SET v = 'changed' WHERE id = 1;
SELECT * FROM shared ORDER BY id;
-- conn: 2
INSERT INTO other VALUES (1);
-- conn: 2
SELECT count(*) FROM other;
COMMIT;
-- conn: 2
SELECT * FROM shared ORDER BY id;
BEGIN;
DELETE FROM shared WHERE id = 1;
INSERT INTO shared VALUES (99, 'never');
SELECT count(*) FROM shared;
ROLLBACK;
-- conn: 2
SELECT * FROM shared ORDER BY id;

-- conn: 2
BEGIN;
-- conn: 2
INSERT INTO shared VALUES (3, 'from two');
-- conn: 2
UPDATE shared SET v = v || '!' WHERE id = 2;
-- conn: 2
COMMIT;
SELECT * FROM shared ORDER BY id;
SELECT count(*) FROM other;

-- conn: 2
CREATE TABLE made_by_two (x int);
-- conn: 2
INSERT INTO made_by_two VALUES (7);
SELECT * FROM made_by_two;
DROP TABLE made_by_two;
-- conn: 2
-- error: 42P01
SELECT * FROM made_by_two;
ALTER TABLE shared ADD COLUMN extra int DEFAULT 5;
-- conn: 2
SELECT * FROM shared ORDER BY id;

CREATE SEQUENCE shared_seq;
SELECT nextval('shared_seq');
-- conn: 2
SELECT nextval('shared_seq');
-- conn: 2
SELECT currval('shared_seq');
SELECT currval('shared_seq');
-- conn: 2
SELECT lastval();
-- conn: 3
-- error: 55000
SELECT currval('shared_seq');

SET application_name = 'one';
-- conn: 2
SHOW application_name;
-- conn: 2
SET TimeZone = 'Asia/Tokyo';
-- conn: 2
SELECT '2024-01-01 00:00:00+00'::timestamptz;
SELECT '2024-01-01 00:00:00+00'::timestamptz;

BEGIN;
INSERT INTO shared (id, v) VALUES (10, 'x');
-- conn: 2
BEGIN;
-- conn: 2
INSERT INTO other VALUES (11);
-- conn: 2
SELECT id FROM other ORDER BY id;
COMMIT;
-- conn: 2
ROLLBACK;
-- conn: 3
SELECT id FROM shared ORDER BY id;
-- conn: 3
SELECT id FROM other ORDER BY id;
-- conn: 3
BEGIN;
-- conn: 3
-- error: 22012
SELECT 1 / 0;
SELECT 'conn 1 unaffected';
-- conn: 2
SELECT 'conn 2 unaffected';
-- conn: 3
-- error: 25P02
SELECT 'conn 3 still aborted';
-- conn: 3
ROLLBACK;
