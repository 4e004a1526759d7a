-- Casts: explicit (CAST, ::, type 'literal'), implicit assignment casts on INSERT,
-- text <-> every type, and the errors: 22P02 bad text, 22003 out of range, 22012
-- division by zero, 42846 impossible cast, 42804 datatype mismatch.

SELECT CAST('12' AS int), '12'::int8, int4 '7', numeric '1.50', date '2024-01-02', text 'x', bool 'true';
SELECT 1::text, 1.50::text, true::text, 'x'::varchar::text, '2024-01-02'::date::text, 1.5::float8::text, NULL::int::text;
SELECT 12::int2::int8, 12::int8::int2, 3.99::int, '3.99'::numeric::int, 1e2::int;
SELECT 5::numeric(4,1), '5'::numeric(4,1)::text, 12.5::float4::numeric, 1::bool, true::int;
SELECT '1 day'::interval::text, '12:00'::time::interval, '36 hours'::interval::time;
SELECT '{1,2,3}'::int[], ARRAY[1, 2]::text[], '{a,"b c",NULL}'::text[], ARRAY['1', '2']::int[];
SELECT pg_typeof('1'::int2), pg_typeof(1::numeric), pg_typeof(CAST(NULL AS date)), pg_typeof('x'::char(2)), pg_typeof('x'::varchar(3));
-- error: 22P02
SELECT 'twelve'::int;
-- error: 22P02
SELECT '12abc'::int8;
-- error: 22P02
SELECT '1e5'::int;
-- error: 22P02
SELECT ''::numeric;
-- error: 22P02
SELECT 'yes please'::bool;
-- error: 22P02
SELECT '{1,x}'::int[];
-- error: 22003
SELECT 2147483648::int4;
-- error: 22003
SELECT (-32769)::int2;
-- error: 22003
SELECT 9223372036854775808::int8;
-- error: 22003
SELECT 1e19::numeric::int8;
-- error: 22003
SELECT 12345.678::numeric(6,3);
-- error: 22012
SELECT 10 % 0;
-- error: 22012
SELECT 10::numeric / 0::numeric;
-- error: 22012
SELECT 0 / 0;
-- error: 42846
SELECT '2024-01-01'::date::int;
-- error: 42846
SELECT true::date;
-- error: 42846
SELECT 1::uuid;

CREATE TABLE typed (i int, s smallint, n numeric(6,2), t text, d date, b bool, f float8);
INSERT INTO typed VALUES ('42', '7', '3.14159', 99, '2024-01-02', 'yes', '2.5');
INSERT INTO typed VALUES (3.7, 2.5, 1, 1.5, NULL, NULL, 3);
SELECT * FROM typed ORDER BY i;
-- error: 22P02
INSERT INTO typed (i) VALUES ('forty');
-- error: 22003
INSERT INTO typed (s) VALUES (100000);
-- error: 42804
INSERT INTO typed (d) VALUES (1);
-- error: 42804
INSERT INTO typed (b) VALUES (1);
-- error: 22007
INSERT INTO typed (d) VALUES ('soon');
-- error: 22P02
UPDATE typed SET n = 'lots';
SELECT count(*) FROM typed;
SELECT i::text || '!', n::int, f::numeric, d::timestamp FROM typed ORDER BY i;
SELECT i FROM typed WHERE i = '42';
SELECT i FROM typed WHERE t = 99::text;
-- error: 42883
SELECT i FROM typed WHERE t = 99;
