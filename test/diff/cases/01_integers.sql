-- int2 / int4 / int8: literals, arithmetic, result types, overflow (22003),
-- division by zero (22012), integer division and modulo, casts between widths.

SELECT 1, -1, 2147483647, 2147483648, 9223372036854775807;
SELECT 1 + 2, 7 - 10, 6 * 7, 7 / 2, -7 / 2, 7 % 3, -7 % 3, 7 % -3;
SELECT 2 ^ 10, |/ 16.0, @ -5;
SELECT 5 & 3, 5 | 3, 5 # 3, ~5, 1 << 4, 256 >> 2;
SELECT 1::int2 + 1::int2, 1::int2 + 1, 1::int2 + 1::int8, 1::int4 * 1::int8;
SELECT pg_typeof(1::int2 + 1::int2), pg_typeof(1::int2 * 1), pg_typeof(1 + 1::int8), pg_typeof(3000000000);
SELECT 32767::int2, (-32768)::int2, 2147483647::int4, (-2147483648)::int4;
SELECT '  42  '::int4, '-0'::int4, '+17'::int8, '007'::int2;
SELECT abs(-17), abs(-17::int8), sign(-3), sign(0), sign(12);
SELECT mod(17, 5), mod(-17, 5), div(17, 5), gcd(12, 18), lcm(4, 6);
SELECT 10::int8 / 3::int8, (-9223372036854775807 - 1)::int8 / 2;

-- error: 22003
SELECT 2147483647 + 1;
-- error: 22003
SELECT (-2147483647 - 1) * -1;
-- error: 22003
SELECT 32767::int2 + 1::int2;
-- error: 22003
SELECT 9223372036854775807 + 1;
-- error: 22003
SELECT 40000::int2;
-- error: 22003
SELECT 3000000000::int4;
-- error: 22003
SELECT '99999999999'::int4;
-- error: 22012
SELECT 1 / 0;
-- error: 22012
SELECT 1::int8 % 0;
-- error: 22012
SELECT 5::int2 / 0::int2;
-- error: 22P02
SELECT 'abc'::int4;
-- error: 22P02
SELECT '1.5'::int8;
-- error: 22P02
SELECT ''::int2;

CREATE TABLE ints (id int4 PRIMARY KEY, s int2, i int4, b int8);
INSERT INTO ints VALUES (1, 1, 10, 100), (2, -2, -20, -200), (3, NULL, 30, NULL), (4, 32767, 2147483647, 9223372036854775807);
SELECT id, s, i, b, s + i, i * 2::int8 FROM ints WHERE id < 4 ORDER BY id;
SELECT id, -s, -i, -b FROM ints ORDER BY id;
SELECT sum(s), sum(i), sum(b), pg_typeof(sum(s)), pg_typeof(sum(i)), pg_typeof(sum(b)) FROM ints WHERE id < 4;
SELECT sum(b) FROM ints;
SELECT avg(i), avg(s), avg(b) FROM ints WHERE id < 4;
-- error: 22003
SELECT i + 1 FROM ints WHERE id = 4;
-- error: 22003
UPDATE ints SET s = s + 1 WHERE id = 4;
-- error: 22003
INSERT INTO ints VALUES (5, 70000, 0, 0);
UPDATE ints SET i = i / 2 WHERE id < 4;
SELECT id, i FROM ints ORDER BY i DESC;
SELECT id FROM ints WHERE s IS NULL ORDER BY id;
SELECT id, i % 7, b % 7 FROM ints WHERE id <> 4 ORDER BY 1;
SELECT count(*), count(s), count(b) FROM ints;
