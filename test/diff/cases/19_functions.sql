-- Built-in functions and set-returning functions: math (numeric and float variants),
-- string helpers not covered in 04_text, generate_series over ints, numerics and
-- timestamps (in FROM and in the select list), unnest, arrays, and pg_typeof of results.

SELECT abs(-4), abs(-4.5), ceil(4.1), ceiling(-4.1), floor(4.9), round(4.567, 2), round(-4.5), trunc(4.567, 1);
SELECT power(2, 10), power(2.0, 0.5), 2 ^ 3, sqrt(16), cbrt(-8::float8), exp(0), ln(1), log(1000), log(2, 8), log10(100);
SELECT mod(-7, 3), mod(7.5, 2), div(-7, 2), greatest(1.5, 2, 0.5), least('b', 'a', 'c'), width_bucket(5.35, 0.024, 10.06, 5);
SELECT pi()::numeric(10, 8), trunc(pi()::numeric, 4), sign(-0.0), factorial(10), gcd(0, 0);
SELECT pg_typeof(power(2, 10)), pg_typeof(sqrt(16)), pg_typeof(round(1.5)), pg_typeof(abs(-1::int2)), pg_typeof(ceil(1.5::float8)), pg_typeof(mod(7, 2));
SELECT random() >= 0 AND random() < 1, pg_typeof(random());
SELECT length('abc'), upper('aBc'), lower('AbC'), 'x' || repeat('y', 3), reverse('abc'), initcap('the QUICK fox');
SELECT overlay('Txxxxas' placing 'hom' from 2 for 4), substring('Thomas' from 2 for 3), substring('abc123' from '[0-9]+'), position('c' in 'abc');
SELECT to_char(1234.5, '9999.99'), to_char(-12, '000'), to_char(0.5, 'FM0.00'), to_number('1,234.5', '9,999.9'), to_char(1234567, 'FM9,999,999');
SELECT concat(1, 2.5, true, NULL, 'x'), concat_ws(', ', 1, NULL, 3), format('%s-%s', 1, NULL), format('[%5s][%-5s]', 'ab', 'cd');
SELECT array_length(ARRAY[1, 2, 3], 1), cardinality(ARRAY[[1, 2], [3, 4]]), ARRAY[1, 2] || 3, ARRAY[1, 2] || ARRAY[3], array_append(ARRAY['a'], 'b'), (ARRAY[10, 20, 30])[2];
SELECT array_position(ARRAY['a', 'b', 'c'], 'b'), array_remove(ARRAY[1, 2, 1], 1), array_cat(ARRAY[1], ARRAY[2, 3]), ARRAY[1, 2, 3] @> ARRAY[2], 2 = ANY (ARRAY[1, 2]);
SELECT ARRAY[]::int[], ARRAY[NULL, 1], ARRAY['a b', 'c"d', ''], ARRAY[1.5, 2], ARRAY[ARRAY[1, 2], ARRAY[3, 4]], '{}'::text[] = ARRAY[]::text[];

SELECT * FROM generate_series(1, 5);
SELECT * FROM generate_series(10, 1, -3) AS g;
SELECT generate_series(1, 3) AS n, 'x';
SELECT g, g * g AS sq FROM generate_series(-2, 2) AS g ORDER BY g DESC;
SELECT * FROM generate_series(1, 0);
SELECT * FROM generate_series(0.5, 2.0, 0.5);
SELECT * FROM generate_series('2024-01-30'::timestamp, '2024-02-02', '1 day');
SELECT * FROM generate_series('2024-01-31'::date, '2024-05-01'::date, '1 month');
SELECT * FROM generate_series('2024-03-10 00:00+00'::timestamptz, '2024-03-10 02:00+00', '45 minutes');
SELECT count(*), sum(g), avg(g) FROM generate_series(1, 1000) g;
SELECT g FROM generate_series(1, 10) g WHERE g % 3 = 0 ORDER BY g;
SELECT a.g, b.g FROM generate_series(1, 2) a(g) CROSS JOIN generate_series(1, 2) b(g) ORDER BY 1, 2;
SELECT pg_typeof(g) FROM generate_series(1::int8, 2::int8) g LIMIT 1;
-- error: 22023
SELECT * FROM generate_series(1, 10, 0);
SELECT * FROM unnest(ARRAY[3, 1, 2]) WITH ORDINALITY AS u(v, i) ORDER BY i;
SELECT unnest(ARRAY['a', 'b']), unnest(ARRAY[1, 2, 3]);
SELECT * FROM unnest(ARRAY[1, 2], ARRAY['x', 'y', 'z']) AS u(n, s);
CREATE TABLE nums AS SELECT g AS n, g % 3 AS m FROM generate_series(1, 12) g;
SELECT m, count(*), sum(n), string_agg(n::text, ',' ORDER BY n) FROM nums GROUP BY m ORDER BY m;
SELECT count(*) FROM nums;
CREATE TABLE copy_of AS SELECT * FROM nums WHERE n > 10;
SELECT * FROM copy_of ORDER BY n;
SELECT version() LIKE 'PostgreSQL%', current_database() IS NOT NULL, current_schema(), current_user IS NOT NULL;
SELECT coalesce(NULL::text, 'x'), nullif('a', 'a') IS NULL, num_nulls(1, NULL, NULL), num_nonnulls(1, NULL, 2);
