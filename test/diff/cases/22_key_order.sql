-- Ordering of every indexable type, as primary key and as secondary index key, in both
-- directions: negative and positive numbers of each width, numeric scales, floats with
-- -0/NaN/Infinity, text by bytes (C collation), bytea, uuid, dates, timestamps, bool.

CREATE TABLE o_int (k int8 PRIMARY KEY, s int2, i int4);
CREATE INDEX o_int_s ON o_int (s);
CREATE INDEX o_int_i ON o_int (i DESC);
INSERT INTO o_int VALUES (-9223372036854775808, -32768, -2147483648), (-1, -1, -1), (0, 0, 0), (1, 1, 1), (255, 255, 255), (256, 256, 256), (65536, 32767, 65536), (9223372036854775807, 100, 2147483647), (-256, -256, -256);
SELECT k FROM o_int ORDER BY k;
SELECT k FROM o_int ORDER BY k DESC;
SELECT s FROM o_int WHERE s > -300 ORDER BY s;
SELECT i FROM o_int WHERE i < 300 ORDER BY i DESC;
SELECT k FROM o_int WHERE k BETWEEN -256 AND 256 ORDER BY k;

CREATE TABLE o_num (k numeric PRIMARY KEY, f float8, r real);
CREATE INDEX o_num_f ON o_num (f);
INSERT INTO o_num VALUES (-1000.5, -1e300, -1.5), (-1, '-Infinity', '-Infinity'), (-0.001, -0.0, -0.0), (0, 0, 0), (0.001, 1e-300, 1e-30), (0.1, 0.1, 0.1), (1, 1, 1), (1.5, 'Infinity', 'Infinity'), (10, 'NaN', 'NaN'), (12345678901234567890.123, 2.5, 2.5);
SELECT k FROM o_num ORDER BY k;
SELECT k FROM o_num ORDER BY k DESC;
SELECT k FROM o_num WHERE k > -1 AND k < 1 ORDER BY k;
SELECT k FROM o_num WHERE k = 1.000;
SELECT f FROM o_num ORDER BY f, k;
SELECT r FROM o_num ORDER BY r DESC, k;
SELECT k FROM o_num WHERE f > 0 ORDER BY f;
SELECT k FROM o_num WHERE f = 0 ORDER BY k;

CREATE TABLE o_text (k text PRIMARY KEY, v varchar(10), c char(3));
CREATE INDEX o_text_v ON o_text (v);
CREATE INDEX o_text_c ON o_text (c);
INSERT INTO o_text VALUES ('', 'z', 'a'), ('a', 'Z', 'b'), ('A', 'a', 'A'), ('ab', 'ab', 'ab'), ('a b', 'a b', 'a'), ('b', '', ' '), ('é', 'é', 'é'), ('~', '~', '~'), ('a' || chr(1), 'x', 'x'), ('0', '9', '1'), ('aa', 'aa', 'aa ');
SELECT k FROM o_text ORDER BY k;
SELECT k FROM o_text ORDER BY k DESC;
SELECT v FROM o_text ORDER BY v, k;
SELECT c, length(c) FROM o_text ORDER BY c, k;
SELECT k FROM o_text WHERE k > 'a' AND k < 'b' ORDER BY k;
SELECT k FROM o_text WHERE k >= 'a' ORDER BY k LIMIT 3;
SELECT k FROM o_text WHERE k LIKE 'a%' ORDER BY k;
SELECT k FROM o_text WHERE c = 'a' ORDER BY k;

CREATE TABLE o_misc (id int PRIMARY KEY, b bytea, u uuid, d date, ts timestamptz, flag bool);
CREATE INDEX o_misc_b ON o_misc (b);
CREATE INDEX o_misc_u ON o_misc (u);
CREATE INDEX o_misc_d ON o_misc (d);
CREATE INDEX o_misc_ts ON o_misc (ts DESC);
CREATE INDEX o_misc_flag ON o_misc (flag);
INSERT INTO o_misc VALUES
  (1, '\x', '00000000-0000-0000-0000-000000000000', '1999-12-31', '1999-12-31 23:59:59.999999+00', true),
  (2, '\x00', 'ffffffff-ffff-ffff-ffff-ffffffffffff', '2000-01-01', '2000-01-01 00:00:00+00', false),
  (3, '\x0000', '7fffffff-ffff-ffff-ffff-ffffffffffff', '1970-01-01', '1970-01-01 00:00:00+00', NULL),
  (4, '\xff', '80000000-0000-0000-0000-000000000000', '1969-12-31', '1969-12-31 23:59:59+00', true),
  (5, '\x01ff', '00000000-0000-0000-0000-000000000001', 'infinity', 'infinity', false),
  (6, NULL, NULL, '-infinity', '-infinity', true),
  (7, '\x0001', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '0001-01-01', '2038-01-19 03:14:08+00', NULL);
SELECT id, b FROM o_misc ORDER BY b NULLS FIRST;
SELECT id FROM o_misc ORDER BY b DESC NULLS LAST;
SELECT id, u FROM o_misc ORDER BY u;
SELECT id, d FROM o_misc ORDER BY d;
SELECT id, ts FROM o_misc ORDER BY ts DESC;
SELECT id FROM o_misc WHERE d > '1970-01-01' ORDER BY d;
SELECT id FROM o_misc WHERE ts < '2000-01-01' ORDER BY ts;
SELECT id FROM o_misc WHERE b > '\x00' ORDER BY b;
SELECT id FROM o_misc WHERE u > '7fffffff-ffff-ffff-ffff-ffffffffffff' ORDER BY u;
SELECT flag, count(*) FROM o_misc GROUP BY flag ORDER BY flag NULLS FIRST;
SELECT id FROM o_misc WHERE flag ORDER BY id;
SELECT id FROM o_misc WHERE NOT flag ORDER BY id;

CREATE TABLE o_ts_pk (t timestamp PRIMARY KEY);
INSERT INTO o_ts_pk VALUES ('2024-01-01 00:00:00.000001'), ('2024-01-01'), ('1900-01-01'), ('2262-04-12'), ('infinity'), ('-infinity');
SELECT t FROM o_ts_pk ORDER BY t;
SELECT t FROM o_ts_pk WHERE t > '2024-01-01' ORDER BY t DESC;
