-- Constraints: NOT NULL (23502), PRIMARY KEY and UNIQUE (23505, single and composite,
-- NULLs distinct), CHECK (23514, NULL passes), DEFAULT expressions, and constraint
-- names in error messages.

CREATE TABLE people (
  id int PRIMARY KEY,
  email text NOT NULL UNIQUE,
  age int CHECK (age >= 0 AND age < 150),
  nick text UNIQUE,
  country char(2) NOT NULL DEFAULT 'NO',
  score numeric(5,1) DEFAULT 0 CONSTRAINT score_range CHECK (score BETWEEN -100 AND 100)
);
INSERT INTO people (id, email, age) VALUES (1, 'a@x', 30);
INSERT INTO people (id, email, age, nick) VALUES (2, 'b@x', NULL, NULL), (3, 'c@x', 0, NULL);
SELECT * FROM people ORDER BY id;
-- error: 23505
INSERT INTO people (id, email) VALUES (1, 'other@x');
-- error: 23505
INSERT INTO people (id, email) VALUES (9, 'a@x');
-- error: 23502
INSERT INTO people (id, email) VALUES (9, NULL);
-- error: 23502
INSERT INTO people (id) VALUES (9);
-- error: 23502
INSERT INTO people (email) VALUES ('z@x');
-- error: 23514
INSERT INTO people (id, email, age) VALUES (9, 'z@x', -1);
-- error: 23514
INSERT INTO people (id, email, age) VALUES (9, 'z@x', 150);
-- error: 23514
INSERT INTO people (id, email, score) VALUES (9, 'z@x', 100.1);
-- error: 23502
INSERT INTO people (id, email, country) VALUES (9, 'z@x', NULL);
-- error: 23505
INSERT INTO people (id, email) VALUES (9, 'z@x'), (10, 'z@x');
SELECT count(*) FROM people;
-- error: 23505
UPDATE people SET id = 2 WHERE id = 1;
-- error: 23502
UPDATE people SET email = NULL WHERE id = 3;
-- error: 23514
UPDATE people SET age = age - 1 WHERE id = 3;
UPDATE people SET age = age + 1;
SELECT id, age FROM people ORDER BY id;
UPDATE people SET id = id + 10;
SELECT id FROM people ORDER BY id;
UPDATE people SET nick = 'same' WHERE id = 11;
-- error: 23505
UPDATE people SET nick = 'same' WHERE id = 12;
INSERT INTO people (id, email, nick) VALUES (20, 'n1@x', NULL), (21, 'n2@x', NULL);
SELECT count(*) FROM people WHERE nick IS NULL;

CREATE TABLE pairs (a int, b int, c text, PRIMARY KEY (a, b), UNIQUE (b, c));
INSERT INTO pairs VALUES (1, 1, 'x'), (1, 2, 'x'), (2, 1, 'y');
-- error: 23505
INSERT INTO pairs VALUES (1, 2, 'z');
-- error: 23505
INSERT INTO pairs VALUES (3, 1, 'y');
INSERT INTO pairs VALUES (3, 1, NULL), (4, 1, NULL);
-- error: 23502
INSERT INTO pairs VALUES (NULL, 5, 'q');
SELECT * FROM pairs ORDER BY a, b;
SELECT * FROM pairs WHERE a = 1 AND b = 2;

CREATE TABLE checks (id int PRIMARY KEY, lo int, hi int, CONSTRAINT lo_le_hi CHECK (lo <= hi), CHECK (hi < 1000));
INSERT INTO checks VALUES (1, 1, 2), (2, NULL, 5), (3, 5, 5);
-- error: 23514
INSERT INTO checks VALUES (4, 6, 5);
-- error: 23514
INSERT INTO checks VALUES (4, 1, 1000);
-- error: 23514
UPDATE checks SET lo = hi + 1 WHERE id = 1;
SELECT * FROM checks ORDER BY id;

CREATE TABLE defaults (id int PRIMARY KEY DEFAULT 0, n int DEFAULT 7, t text DEFAULT 'x' || 'y', d date DEFAULT '2024-01-01', b bool DEFAULT (1 > 0), z int);
INSERT INTO defaults (id) VALUES (1);
INSERT INTO defaults VALUES (2, DEFAULT, 'given', DEFAULT, false, DEFAULT);
INSERT INTO defaults DEFAULT VALUES;
SELECT * FROM defaults ORDER BY id NULLS FIRST;
UPDATE defaults SET n = DEFAULT, t = DEFAULT WHERE id = 2;
SELECT * FROM defaults WHERE id = 2;
-- error: 23505
INSERT INTO defaults DEFAULT VALUES;
