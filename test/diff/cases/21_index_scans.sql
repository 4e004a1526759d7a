-- Lookups and range scans through primary and secondary indexes (where a key-encoding
-- or span bug shows): point and range predicates on the key, composite-key prefixes,
-- DESC index columns, NULLs in indexed columns, IN lists, index maintenance on UPDATE
-- of indexed columns and on DELETE, LIMIT over index order, a thousand rows.

CREATE TABLE big (id int PRIMARY KEY, grp int NOT NULL, name text, score numeric(8,2), ts timestamp);
INSERT INTO big SELECT g, g % 10, 'n' || lpad(g::text, 4, '0'), (g * 37 % 1000) / 10.0, '2024-01-01'::timestamp + g * interval '1 hour' FROM generate_series(1, 1000) g;
CREATE INDEX big_grp ON big (grp);
CREATE INDEX big_score_desc ON big (score DESC, id);
CREATE UNIQUE INDEX big_name ON big (name);
CREATE INDEX big_ts ON big (ts);
SELECT count(*), sum(id), min(name), max(name) FROM big;
SELECT * FROM big WHERE id = 500;
SELECT id FROM big WHERE id > 995 ORDER BY id;
SELECT id FROM big WHERE id >= 995 ORDER BY id DESC;
SELECT id FROM big WHERE id < 4 ORDER BY id;
SELECT id FROM big WHERE id <= 3 OR id >= 999 ORDER BY id;
SELECT id FROM big WHERE id BETWEEN 10 AND 14 ORDER BY id;
SELECT id FROM big WHERE id IN (7, 3, 1000, 5000, -1) ORDER BY id;
SELECT id FROM big WHERE id > 10 AND id < 10;
SELECT count(*) FROM big WHERE grp = 3;
SELECT id FROM big WHERE grp = 3 ORDER BY id LIMIT 5;
SELECT id FROM big WHERE grp = 3 AND id > 950 ORDER BY id;
SELECT id, score FROM big ORDER BY score DESC, id LIMIT 5;
SELECT id, score FROM big WHERE score >= 99.5 ORDER BY score, id;
SELECT id, score FROM big WHERE score < 0.5 ORDER BY id;
SELECT id FROM big WHERE name = 'n0042';
SELECT id FROM big WHERE name > 'n0997' ORDER BY name;
SELECT id FROM big WHERE name LIKE 'n001%' ORDER BY id;
SELECT id, ts FROM big WHERE ts >= '2024-02-11' AND ts < '2024-02-11 03:00' ORDER BY ts;
SELECT grp, count(*), min(id), max(id), sum(score) FROM big GROUP BY grp ORDER BY grp;

UPDATE big SET grp = 42 WHERE id IN (1, 2, 3);
SELECT id FROM big WHERE grp = 42 ORDER BY id;
SELECT count(*) FROM big WHERE grp = 1;
UPDATE big SET name = 'renamed' WHERE id = 10;
SELECT id FROM big WHERE name = 'n0010';
SELECT id FROM big WHERE name = 'renamed';
-- error: 23505
UPDATE big SET name = 'renamed' WHERE id = 11;
UPDATE big SET id = id + 10000 WHERE id > 998;
SELECT id, name FROM big WHERE id > 990 ORDER BY id;
SELECT id FROM big WHERE name IN ('n0999', 'n1000') ORDER BY id;
DELETE FROM big WHERE grp = 5;
SELECT count(*) FROM big;
SELECT count(*) FROM big WHERE grp = 5;
SELECT id FROM big WHERE id BETWEEN 13 AND 27 ORDER BY id;
DELETE FROM big WHERE id % 2 = 0 AND id < 100;
SELECT id FROM big WHERE id < 30 ORDER BY id;
SELECT id FROM big WHERE score BETWEEN 50 AND 51 ORDER BY score DESC, id;

CREATE TABLE comp (a int, b text, c int, v text, PRIMARY KEY (a, b, c));
INSERT INTO comp SELECT x, chr(96 + y), z, x || chr(96 + y) || z FROM generate_series(1, 3) x, generate_series(1, 3) y, generate_series(1, 3) z;
SELECT count(*) FROM comp;
SELECT v FROM comp WHERE a = 2 ORDER BY b, c;
SELECT v FROM comp WHERE a = 2 AND b = 'b' ORDER BY c DESC;
SELECT v FROM comp WHERE a = 2 AND b = 'b' AND c = 3;
SELECT v FROM comp WHERE a = 2 AND b > 'a' AND b < 'c' ORDER BY v;
SELECT v FROM comp WHERE a >= 3 AND b = 'c' ORDER BY c;
SELECT v FROM comp WHERE b = 'a' AND c = 1 ORDER BY a;
SELECT v FROM comp WHERE (a, b) = (1, 'c') ORDER BY c;
SELECT v FROM comp ORDER BY a DESC, b DESC, c DESC LIMIT 4;

CREATE TABLE sparse (id int PRIMARY KEY, k int, t text);
CREATE INDEX sparse_k ON sparse (k);
CREATE UNIQUE INDEX sparse_t ON sparse (t);
INSERT INTO sparse VALUES (1, NULL, NULL), (2, 5, 'a'), (3, NULL, NULL), (4, -5, 'b'), (5, 0, ''), (6, 5, 'c');
SELECT id FROM sparse WHERE k IS NULL ORDER BY id;
SELECT id FROM sparse WHERE k IS NOT NULL ORDER BY k, id;
SELECT id FROM sparse WHERE k = 5 ORDER BY id;
SELECT id FROM sparse WHERE k < 1 ORDER BY k;
SELECT id, k FROM sparse ORDER BY k NULLS FIRST, id;
SELECT id, k FROM sparse ORDER BY k DESC, id;
SELECT id FROM sparse WHERE t = '' ;
SELECT id FROM sparse WHERE t IS NULL ORDER BY id;
UPDATE sparse SET k = NULL WHERE k = 5;
SELECT id FROM sparse WHERE k = 5;
SELECT count(*) FROM sparse WHERE k IS NULL;
