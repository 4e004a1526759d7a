-- DDL: CREATE/DROP TABLE (IF [NOT] EXISTS), CREATE/DROP INDEX (unique, multi-column),
-- CREATE/DROP SCHEMA with qualified names, CREATE/DROP SEQUENCE, ALTER TABLE ADD/DROP
-- COLUMN (with defaults, on a populated table), ADD PRIMARY KEY, ADD CONSTRAINT, RENAME,
-- TRUNCATE, and the errors: 42P07 exists, 42P01 missing table, 42703 missing column,
-- 42701 duplicate column, 2BP01 dependent objects, 3F000 missing schema.

CREATE TABLE t1 (a int, b text);
-- error: 42P07
CREATE TABLE t1 (a int);
CREATE TABLE IF NOT EXISTS t1 (a int);
-- error: 42701
CREATE TABLE t2 (a int, a text);
-- error: 42P01
DROP TABLE nope;
DROP TABLE IF EXISTS nope;
-- error: 42P01
SELECT * FROM nope;
-- error: 42703
SELECT c FROM t1;
-- error: 42703
INSERT INTO t1 (a, zz) VALUES (1, 2);
INSERT INTO t1 VALUES (1, 'one'), (2, 'two'), (3, NULL);

ALTER TABLE t1 ADD COLUMN c int;
ALTER TABLE t1 ADD COLUMN d text DEFAULT 'dflt';
ALTER TABLE t1 ADD COLUMN e numeric(5,1) NOT NULL DEFAULT 1.25;
SELECT * FROM t1 ORDER BY a;
INSERT INTO t1 (a) VALUES (4);
SELECT * FROM t1 ORDER BY a;
-- error: 42701
ALTER TABLE t1 ADD COLUMN c int;
ALTER TABLE t1 ADD COLUMN IF NOT EXISTS c int;
ALTER TABLE t1 DROP COLUMN b;
SELECT * FROM t1 ORDER BY a;
-- error: 42703
ALTER TABLE t1 DROP COLUMN b;
ALTER TABLE t1 DROP COLUMN IF EXISTS b;
-- error: 42703
SELECT b FROM t1;
INSERT INTO t1 VALUES (5, 50, 'x', 2);
SELECT * FROM t1 ORDER BY a;
-- error: 23502
ALTER TABLE t1 ADD COLUMN f int NOT NULL;

ALTER TABLE t1 ADD PRIMARY KEY (a);
-- error: 23505
INSERT INTO t1 (a) VALUES (1);
-- error: 42P16
ALTER TABLE t1 ADD PRIMARY KEY (c);
ALTER TABLE t1 ADD CONSTRAINT e_positive CHECK (e > 0);
-- error: 23514
INSERT INTO t1 (a, e) VALUES (10, -1);
-- error: 23514
ALTER TABLE t1 ADD CONSTRAINT c_small CHECK (c < 10);
ALTER TABLE t1 ADD CONSTRAINT c_unique UNIQUE (c);
-- error: 23505
INSERT INTO t1 (a, c) VALUES (11, 50);
-- error: 23505
ALTER TABLE t1 ADD CONSTRAINT e_unique UNIQUE (e);
ALTER TABLE t1 DROP CONSTRAINT c_unique;
INSERT INTO t1 (a, c) VALUES (11, 50);
ALTER TABLE t1 RENAME COLUMN d TO label;
ALTER TABLE t1 RENAME TO t1_renamed;
SELECT a, label FROM t1_renamed ORDER BY a;
-- error: 42P01
SELECT * FROM t1;

CREATE TABLE items (id int PRIMARY KEY, sku text, price numeric(8,2), cat int);
CREATE INDEX items_cat_idx ON items (cat);
CREATE UNIQUE INDEX items_sku_key ON items (sku);
CREATE INDEX items_cat_price_idx ON items (cat, price DESC);
CREATE INDEX IF NOT EXISTS items_cat_idx ON items (cat);
-- error: 42P07
CREATE INDEX items_cat_idx ON items (price);
INSERT INTO items VALUES (1, 'A-1', 9.99, 1), (2, 'A-2', 19.99, 1), (3, 'B-1', 5.00, 2), (4, NULL, 1.00, 2), (5, NULL, 2.00, NULL);
-- error: 23505
INSERT INTO items VALUES (6, 'A-1', 1, 1);
-- error: 23505
UPDATE items SET sku = 'A-2' WHERE id = 1;
SELECT id, sku FROM items WHERE cat = 1 ORDER BY price DESC;
SELECT id FROM items WHERE sku = 'B-1';
SELECT id FROM items WHERE cat = 2 AND price > 2 ORDER BY id;
DROP INDEX items_sku_key;
INSERT INTO items VALUES (6, 'A-1', 1, 1);
SELECT count(*) FROM items WHERE sku = 'A-1';
DROP INDEX IF EXISTS items_sku_key;
-- error: 42704
DROP INDEX items_sku_key;
CREATE INDEX ON items (price);
SELECT id FROM items WHERE price < 3 ORDER BY price;

CREATE SCHEMA app;
-- error: 42P06
CREATE SCHEMA app;
CREATE SCHEMA IF NOT EXISTS app;
CREATE TABLE app.users (id int PRIMARY KEY, name text);
INSERT INTO app.users VALUES (1, 'ann');
SELECT * FROM app.users;
-- error: 42P01
SELECT * FROM users;
-- error: 3F000
CREATE TABLE nosuch.t (a int);
CREATE TABLE public.users (id int);
INSERT INTO users VALUES (99);
SELECT * FROM users;
SELECT * FROM public.users;
-- error: 2BP01
DROP SCHEMA app;
DROP SCHEMA app CASCADE;
-- error: 42P01
SELECT * FROM app.users;

CREATE SEQUENCE s1;
-- error: 42P07
CREATE SEQUENCE s1;
CREATE SEQUENCE IF NOT EXISTS s1;
CREATE SEQUENCE s2 START 100 INCREMENT 10;
SELECT nextval('s1'), nextval('s2'), nextval('s2');
DROP SEQUENCE s1, s2;
-- error: 42P01
SELECT nextval('s1');
DROP SEQUENCE IF EXISTS s1;

SELECT count(*) FROM items;
TRUNCATE items;
SELECT count(*) FROM items;
INSERT INTO items VALUES (1, 'A-1', 9.99, 1);
TRUNCATE TABLE items, t1_renamed;
SELECT (SELECT count(*) FROM items), (SELECT count(*) FROM t1_renamed);
DROP TABLE items;
DROP TABLE IF EXISTS items, t1_renamed;
-- error: 42P01
SELECT * FROM items;
CREATE TABLE items (x text);
SELECT * FROM items;
