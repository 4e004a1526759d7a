-- numeric: exact arithmetic, scale of results, rounding (half away from zero), typmod
-- coercion on insert, overflow of numeric(p,s), division scale, functions.

SELECT 0.1 + 0.2, 1.10 + 2.205, 1.5 * 1.5, 10.00 - 0.001;
SELECT 1 / 3.0, 2 / 3.0, 10 / 4.0, 1.0 / 7;
SELECT 123456789012345678901234567890 + 1, 99999999999999999999 * 99999999999999999999;
SELECT pg_typeof(1.5), pg_typeof(1 + 1.5), pg_typeof(1.5::numeric * 2);
SELECT 12.345::numeric(5,2), 12.355::numeric(5,2), -12.345::numeric(5,2), 0.005::numeric(3,2);
SELECT 2.5::numeric(3,0), 3.5::numeric(3,0), (-2.5)::numeric(3,0);
SELECT round(2.5), round(-2.5), round(1.2345, 2), round(1.2355, 3), round(1234.5, -2), round(15::numeric, -1);
SELECT trunc(1.999, 2), trunc(-1.999), ceil(1.1), ceil(-1.1), floor(1.9), floor(-1.1);
SELECT abs(-1.50), sign(-2.5), mod(10.5, 3), 10.5 % 3, div(10.5, 3);
SELECT 1.000 * 1.00, 0.000, -0.0, 1e3::numeric, 1.5e-3::numeric;
SELECT '  1.50  '::numeric, '-0001.2300'::numeric, '1e2'::numeric, 'NaN'::numeric;
SELECT 100::numeric / 3, 1::numeric / 1000000, 7::numeric / 7;
SELECT sqrt(2::numeric), power(2::numeric, 10), exp(1::numeric), ln(10::numeric);
SELECT scale(1.230), scale(10::numeric), 5.0 = 5, 5.10 = 5.1, 1.5 < 1.50001;
SELECT 3::numeric(10,4), 12345.6789::numeric(6,1), (1.5::numeric(10,1) + 2.25::numeric(10,2));
SELECT cast(1.5 AS int), cast(2.5 AS int), cast(-2.5 AS int), cast(1.49999 AS int8), 2.5::int2;

-- error: 22003
SELECT 1234.5::numeric(5,2);
-- error: 22003
SELECT 100::numeric(2,0);
-- error: 22012
SELECT 1.5 / 0;
-- error: 22012
SELECT mod(1.5, 0);
-- error: 22P02
SELECT '1.2.3'::numeric;
-- error: 22P02
SELECT 'abc'::numeric;
-- error: 22003
SELECT 99999999999.5::int4;

CREATE TABLE money (id int PRIMARY KEY, amount numeric(10,2), rate numeric, qty numeric(6,3));
INSERT INTO money VALUES (1, 10.005, 0.1, 1), (2, 20.994, 0.25, 2.5), (3, -5.555, 1.125, 0.0005), (4, NULL, NULL, NULL);
SELECT id, amount, rate, qty FROM money ORDER BY id;
SELECT id, amount * rate, amount * qty, amount / 3 FROM money ORDER BY id;
SELECT sum(amount), avg(amount), min(amount), max(rate), sum(qty) FROM money;
SELECT pg_typeof(sum(amount)), pg_typeof(avg(rate)) FROM money;
UPDATE money SET amount = amount * 1.1 WHERE id <= 2;
SELECT id, amount FROM money WHERE amount IS NOT NULL ORDER BY amount;
-- error: 22003
INSERT INTO money VALUES (5, 123456789.00, 0, 0);
-- error: 22003
UPDATE money SET qty = 1000 WHERE id = 1;
SELECT id, round(amount, 1), round(rate, 1), trunc(amount) FROM money ORDER BY id;
SELECT amount::text, amount::int, amount::float8 FROM money WHERE id = 3;
