-- The extended query protocol (Parse/Bind/Describe/Execute with untyped text
-- parameters whose types the server infers), and a few statements run through both
-- protocols, which must give the same results and the same errors.

CREATE TABLE kv (k int PRIMARY KEY, v text, n numeric(10,2), ts timestamptz, j jsonb, u uuid, b bool);
-- params: [1, "one", "1.5", "2024-01-01 00:00:00+00", "{\"a\": 1}", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "true"]
INSERT INTO kv VALUES ($1, $2, $3, $4, $5, $6, $7);
-- params: [2, "two", "2.255", "2024-06-01 12:30:00+02", "[1, 2]", null, "f"]
INSERT INTO kv VALUES ($1, $2, $3, $4, $5, $6, $7);
-- params: [3, null, null, null, null, null, null]
INSERT INTO kv VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *;
-- extended
SELECT * FROM kv ORDER BY k;
-- params: [2]
SELECT v, n FROM kv WHERE k = $1;
-- params: ["2"]
SELECT k FROM kv WHERE k >= $1 ORDER BY k;
-- params: ["o%"]
SELECT k FROM kv WHERE v LIKE $1 ORDER BY k;
-- params: [10, 20]
SELECT $1::int + $2::int AS sum, $1 || 'x' AS cat;
-- params: ["1.25"]
SELECT $1::numeric * 2, $1::float8 * 2;
-- params: [5]
SELECT n + $1 FROM kv WHERE k = 1;
-- params: ["hello"]
SELECT upper($1), length($1);
-- params: [null]
SELECT $1::int IS NULL, coalesce($1::text, 'dflt');
-- params: ["{\"a\": 1}"]
SELECT k FROM kv WHERE j @> $1 ORDER BY k;
-- params: ["a"]
SELECT j ->> $1 FROM kv WHERE k = 1;
-- params: ["2024-03-01"]
SELECT k FROM kv WHERE ts > $1 ORDER BY k;
-- params: [1, "uno"]
UPDATE kv SET v = $2 WHERE k = $1;
-- params: [1]
SELECT v FROM kv WHERE k = $1;
-- params: [3]
DELETE FROM kv WHERE k = $1 RETURNING k;
-- params: [2, "dup"]
-- error: 23505
INSERT INTO kv (k, v) VALUES ($1, $2);
-- params: ["abc"]
-- error: 22P02
SELECT k FROM kv WHERE k = $1;
-- params: ["99999999999"]
-- error: 22003
SELECT k FROM kv WHERE k = $1;
-- params: [1]
-- error: 22012
SELECT $1::int / 0;
-- params: [4, "4", "44", "d"]
INSERT INTO kv (k, v, n) VALUES ($1, $2, $3) ON CONFLICT (k) DO UPDATE SET v = $4;
-- params: [4, "4", "44", "d"]
INSERT INTO kv (k, v, n) VALUES ($1, $2, $3) ON CONFLICT (k) DO UPDATE SET v = $4;
-- extended
SELECT k, v, n FROM kv ORDER BY k;
-- extended
SELECT count(*), sum(n), avg(n), max(ts), min(j::text), bool_or(b) FROM kv;
-- extended
SELECT 1.5::float4, 0.1::float8, 'x'::char(3), 'ab'::varchar(5), '\x01'::bytea, interval '1 day 2 hours', '2024-01-01'::date;
-- extended
-- error: 42P01
SELECT * FROM missing_table;
-- extended
-- error: 22012
SELECT 1 / 0;
-- extended
-- error: 42601
SELECT * FORM kv;
-- extended
INSERT INTO kv (k) VALUES (50), (51) ON CONFLICT DO NOTHING;
-- extended
UPDATE kv SET b = true WHERE k >= 50;
-- extended
DELETE FROM kv WHERE k >= 50;
BEGIN;
-- params: [60]
INSERT INTO kv (k) VALUES ($1);
-- params: [60]
-- error: 23505
INSERT INTO kv (k) VALUES ($1);
-- params: [61]
-- error: 25P02
INSERT INTO kv (k) VALUES ($1);
ROLLBACK;
-- extended
SELECT count(*) FROM kv WHERE k >= 60;
