-- float4 / float8: shortest round-trip output (extra_float_digits = 1), exponent
-- formatting, special values, arithmetic errors, casts to and from other types.

SELECT 0.1::float8, 0.1::float4, 1.0::float8, 100::float8, 1e15::float8, 1e16::float8, 1e17::float8;
SELECT 1e-4::float8, 1e-5::float8, 123456789.123::float8, 1.5e300::float8, -2.25e-300::float8;
SELECT 1e6::float4, 1e7::float4, 1.1::float4, 3.14159265358979::float4, 16777217::float4;
SELECT 0.1::float8 + 0.2::float8, 1.0::float8 / 3, 2::float8 ^ 0.5, 10::float8 / 4;
SELECT 'Infinity'::float8, '-Infinity'::float8, 'NaN'::float8, 'inf'::float4, '-0'::float8;
SELECT 'NaN'::float8 = 'NaN'::float8, 'NaN'::float8 > 'Infinity'::float8, 'Infinity'::float8 + 1;
SELECT pg_typeof(1.5::float4 + 1.5::float4), pg_typeof(1.5::float4 + 1.5::float8), pg_typeof(1::int + 1.5::float8), pg_typeof(1.5::numeric + 1::float8);
SELECT sqrt(2::float8), cbrt(27::float8), exp(1::float8), ln(2::float8), log(100::float8), pi();
SELECT round(2.5::float8), round(3.5::float8), round(-2.5::float8), trunc(-1.7::float8), ceil(1.2::float8), floor(-1.2::float8);
SELECT 1.5::float8::int, 2.5::float8::int, (-2.5)::float8::int, 3.7::float4::int2, 1e10::float8::int8;
SELECT 1.1::float4::float8, 0.1::float8::numeric, 1e20::float8::numeric, 3.75::numeric::float4;
SELECT '  1.5  '::float8, '1e-2'::float8, '.5'::float8, '-.5e1'::float4;
SELECT abs(-1.5::float8), sign(-0.5::float8), degrees(pi()), radians(180::float8);
SELECT sin(0::float8), cos(0::float8), atan2(1::float8, 1::float8);

-- error: 22012
SELECT 1::float8 / 0;
-- error: 22012
SELECT 1.5::float4 / 0::float4;
-- error: 22003
SELECT 1e39::float4;
-- error: 22003
SELECT '1e400'::float8;
-- error: 22003
SELECT 1e300::float8 * 1e300::float8;
-- error: 22003
SELECT 1e10::float8::int4;
-- error: 22003
SELECT 'NaN'::float8::int;
-- error: 22P02
SELECT 'one'::float8;
-- error: 2201E
SELECT ln(0::float8);
-- error: 2201F
SELECT power(0::float8, -1);
-- error: 2201F
SELECT sqrt(-1::float8);

CREATE TABLE measurements (id int PRIMARY KEY, r real, d double precision);
INSERT INTO measurements VALUES (1, 1.5, 1.5), (2, 0.1, 0.1), (3, 1e-10, 1e-10), (4, 'NaN', 'Infinity'), (5, NULL, -0.0);
SELECT id, r, d FROM measurements ORDER BY id;
SELECT id, r * 2, d * 2, r + d FROM measurements ORDER BY id;
SELECT sum(r), sum(d), avg(d), pg_typeof(sum(r)), pg_typeof(avg(r)) FROM measurements WHERE id < 4;
SELECT id FROM measurements ORDER BY d DESC NULLS LAST, id;
SELECT id FROM measurements WHERE r > 0.5 ORDER BY id;
SELECT min(r), max(r), max(d) FROM measurements;
