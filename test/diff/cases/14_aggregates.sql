-- Aggregates and grouping: count/sum/avg/min/max over every numeric type (result types
-- and scales), string_agg and array_agg (with ORDER BY, DISTINCT), bool_and/bool_or,
-- FILTER, GROUP BY expressions and ordinals, HAVING, aggregates over empty input.

CREATE TABLE sales (id int PRIMARY KEY, region text, product text, units int, price numeric(6,2), big int8, ratio float8, ok bool);
INSERT INTO sales VALUES
  (1, 'north', 'apple', 10, 1.20, 1000000000000, 0.5, true),
  (2, 'north', 'pear', 5, 2.00, 2, 0.25, true),
  (3, 'south', 'apple', 7, 1.10, 3, 1.5, false),
  (4, 'south', 'plum', NULL, 3.30, NULL, NULL, NULL),
  (5, 'east', 'apple', 3, NULL, 5, 2.0, true),
  (6, 'north', 'apple', 2, 1.25, 6, 0.125, true),
  (7, NULL, 'kiwi', 1, 0.99, 7, 3, false);

SELECT count(*), count(units), sum(units), avg(units), min(units), max(units) FROM sales;
SELECT sum(price), avg(price), min(price), max(price), sum(big), avg(big), sum(ratio), avg(ratio) FROM sales;
SELECT pg_typeof(count(*)), pg_typeof(sum(units)), pg_typeof(avg(units)), pg_typeof(sum(big)), pg_typeof(avg(price)), pg_typeof(sum(ratio)), pg_typeof(max(region)) FROM sales;
SELECT sum(units::int2), avg(units::int2), sum(units::numeric), avg(1.0 * units), avg(ratio::float4), sum(ratio::float4) FROM sales;
SELECT count(*), sum(units), avg(units), min(product), max(price), bool_and(ok), string_agg(product, ','), array_agg(id) FROM sales WHERE false;
-- extended
SELECT region, count(*), sum(units), avg(price) FROM sales GROUP BY region ORDER BY region NULLS LAST;
SELECT region, product, sum(units) FROM sales GROUP BY region, product ORDER BY 1 NULLS FIRST, 2;
SELECT product, count(*) AS n FROM sales GROUP BY product HAVING count(*) > 1 ORDER BY n DESC;
SELECT region, sum(units) AS total FROM sales GROUP BY 1 HAVING sum(units) > 5 ORDER BY total DESC;
SELECT units > 4 AS many, count(*) FROM sales GROUP BY units > 4 ORDER BY 1 NULLS LAST;
SELECT length(product), count(*) FROM sales GROUP BY length(product) ORDER BY 1;
SELECT count(*) FROM sales HAVING count(*) > 100;
SELECT count(*) FROM sales HAVING count(*) > 1;
SELECT region FROM sales GROUP BY region HAVING bool_or(ok) ORDER BY region;

SELECT string_agg(product, ', ' ORDER BY product), string_agg(DISTINCT product, '|' ORDER BY product), string_agg(region, '') FROM sales;
SELECT region, string_agg(product || ':' || units, ' ' ORDER BY id DESC) FROM sales GROUP BY region ORDER BY region NULLS FIRST;
SELECT array_agg(units ORDER BY id), array_agg(DISTINCT product ORDER BY product), array_agg(region ORDER BY region NULLS FIRST) FROM sales;
SELECT bool_and(ok), bool_or(ok), bool_and(units > 0), bool_or(units > 9), every(ok) FROM sales;
SELECT count(DISTINCT product), count(DISTINCT region), sum(DISTINCT units), avg(DISTINCT price) FROM sales;
SELECT count(*) FILTER (WHERE ok), sum(units) FILTER (WHERE region = 'north'), count(*) FILTER (WHERE price > 1.15) FROM sales;
SELECT min(product), max(product), min(ratio), max(big) FROM sales;
SELECT region, max(price) - min(price) AS spread, sum(units * price) AS revenue FROM sales GROUP BY region ORDER BY revenue DESC NULLS LAST;
SELECT sum(x), avg(x), count(x) FROM (VALUES (1), (2), (NULL::int)) AS v(x);
SELECT avg(x), sum(x) FROM (VALUES (1.005), (2.0), (3.12345)) AS v(x);
SELECT avg(x) FROM (VALUES (1), (2), (2)) AS v(x);
SELECT sum(x) FROM (VALUES (9223372036854775807::int8), (1::int8)) AS v(x);
SELECT count(*) FROM (SELECT DISTINCT region FROM sales) s;
-- error: 42803
SELECT region, units FROM sales GROUP BY region;
-- error: 42803
SELECT count(*) FROM sales WHERE count(*) > 1;
-- error: 42803
SELECT sum(count(*)) FROM sales;
-- error: 42883
SELECT sum(product) FROM sales;
-- error: 22003
SELECT sum(x) FROM (VALUES (2147483647), (1)) AS v(x) GROUP BY x > 0 HAVING sum(x)::int4 > 0;
