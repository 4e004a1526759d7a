-- date, time, timestamp, timestamptz (session TimeZone UTC), interval: input forms,
-- ISO output, arithmetic across types, comparison, extract/date_part, date_trunc,
-- make_* constructors, infinity, and input errors (22007, 22008).

SHOW TimeZone;
SELECT '2024-02-29'::date, 'Mar 1, 2024'::date, '20240115'::date, '2024-1-5'::date, 'epoch'::date, 'infinity'::date;
SELECT '13:45'::time, '13:45:30.123456'::time, '1:02:03 PM'::time, '24:00:00'::time, 'allballs'::time;
SELECT '2024-03-10 14:30:00'::timestamp, '2024-03-10T14:30:00.5'::timestamp, '2024-03-10'::timestamp, '-infinity'::timestamp;
SELECT '2024-03-10 14:30:00+02'::timestamptz, '2024-03-10 14:30:00 America/New_York'::timestamptz, '2024-03-10 14:30:00Z'::timestamptz;
SELECT '2024-03-10 14:30:00.123456789'::timestamp, '2024-03-10 14:30:00.1234565'::timestamp, '1999-12-31 23:59:59.9999999'::timestamp;
SELECT '1 day'::interval, '2 hours 30 minutes'::interval, '1 year 2 mons 3 days 04:05:06.7'::interval, '-1 day +2 hours'::interval, 'P1Y2M3DT4H5M6S'::interval;
SELECT '90 minutes'::interval, '36 hours'::interval, '1.5 days'::interval, '0'::interval, '-00:30'::interval, '100 years'::interval;

SELECT '2024-01-31'::date + 1, '2024-03-01'::date - 1, '2024-03-01'::date - '2024-02-01'::date, '2024-01-15'::date + interval '1 month';
SELECT '2024-01-31'::date + interval '1 month', '2023-01-31'::date + interval '1 month', '2024-02-29'::date + interval '1 year';
SELECT '2024-03-10 10:00'::timestamp + interval '90 minutes', '2024-03-10 10:00'::timestamp - interval '1 day 1 second';
SELECT '2024-03-10 10:00'::timestamp - '2024-03-01 08:30'::timestamp, '2024-03-01'::timestamp - '2024-03-10 12:00'::timestamp;
SELECT '2024-03-10 10:00+00'::timestamptz - '2024-03-10 09:00+05'::timestamptz, '2024-03-10 10:00+00'::timestamptz + interval '1 day';
SELECT '10:00'::time + interval '3 hours', '23:00'::time + interval '2 hours', '10:00'::time - '08:30'::time, '2024-05-05'::date + '12:34'::time;
SELECT interval '1 day' + interval '25 hours', interval '1 month' - interval '1 day', interval '1 hour' * 3, interval '1 hour' / 4, interval '1 day' * 1.5, -interval '1 year 1 day';
SELECT interval '1 day' = interval '24 hours', interval '1 month' = interval '30 days', interval '1 day' < interval '23 hours', justify_hours(interval '50 hours'), justify_days(interval '40 days'), justify_interval(interval '1 mon -1 hour');
SELECT '2024-03-10'::date < '2024-03-11'::date, '2024-03-10'::date = '2024-03-10 00:00'::timestamp, '2024-03-10 00:00'::timestamp = '2024-03-10 00:00+00'::timestamptz;

SELECT extract(year from '2024-03-10 14:30:15.5'::timestamp), extract(month from '2024-03-10'::date), extract(day from '2024-03-10'::date), extract(hour from '14:30'::time);
SELECT extract(epoch from '2024-01-01 00:00:00+00'::timestamptz), extract(epoch from interval '1 day 1 hour'), extract(dow from '2024-03-10'::date), extract(doy from '2024-03-10'::date);
SELECT extract(second from '14:30:15.5'::time), extract(quarter from '2024-08-01'::date), extract(week from '2024-01-01'::date), extract(isodow from '2024-03-10'::date), extract(century from '2024-03-10'::date);
SELECT date_part('year', '2024-03-10'::timestamp), date_part('minute', interval '2 hours 17 minutes'), pg_typeof(extract(year from '2024-03-10'::date)), pg_typeof(date_part('year', '2024-03-10'::timestamp));
SELECT date_trunc('month', '2024-03-10 14:30:15'::timestamp), date_trunc('hour', '2024-03-10 14:30:15'::timestamptz), date_trunc('day', '2024-03-10 14:30:15'::timestamp), date_trunc('year', '2024-03-10'::date), date_trunc('week', '2024-03-10'::timestamp);
SELECT make_date(2024, 2, 29), make_time(13, 5, 6.5), make_timestamp(2024, 1, 2, 3, 4, 5.25), make_interval(days => 10, hours => 2), make_interval(1, 2, 3, 4, 5, 6, 7.5);
SELECT to_char('2024-03-10 14:30:15'::timestamp, 'YYYY-MM-DD HH24:MI:SS'), to_char('2024-03-05'::date, 'DD Mon YYYY'), to_date('2024-03-10', 'YYYY-MM-DD'), to_timestamp(0);
SELECT age('2024-03-10'::timestamp, '2020-01-15'::timestamp), age('2024-03-10 00:00'::timestamp, '2024-03-09 12:00'::timestamp);
SELECT 'infinity'::timestamp > '2024-01-01'::timestamp, '-infinity'::date < '0001-01-01'::date, isfinite('infinity'::date), isfinite('2024-01-01'::date);
SELECT '2024-03-10 14:30:00'::timestamptz::date, '2024-03-10 14:30:00'::timestamp::time, '2024-03-10'::date::timestamptz, '2024-03-10 23:30:00+00'::timestamptz::timestamp;
SELECT '2024-03-10 14:30:00+00'::timestamptz AT TIME ZONE 'Asia/Tokyo', '2024-03-10 14:30:00'::timestamp AT TIME ZONE 'America/New_York', timezone('UTC', '2024-03-10 14:30:00'::timestamp);
SELECT '0001-01-01'::date, '4713-01-01 BC'::date, '2000-01-01'::date - '1970-01-01'::date, '1900-02-28'::date + 1;
SELECT now() = current_timestamp, current_date = now()::date, pg_typeof(now()), pg_typeof(current_date), pg_typeof(localtimestamp);

-- error: 22008
SELECT '2024-02-30'::date;
-- error: 22007
SELECT 'not a date'::date;
-- error: 22008
SELECT '25:00'::time;
-- error: 22007
SELECT '2024-03-10 14:30 bogus'::timestamp;
-- error: 22007
SELECT '1 fortnight'::interval;
-- error: 22008
SELECT '2024-13-01'::timestamp;
-- error: 42883
SELECT '2024-03-10'::date + '2024-03-11'::date;

SET TimeZone = 'America/New_York';
SHOW TimeZone;
SELECT '2024-03-10 12:00:00+00'::timestamptz, '2024-07-01 12:00:00+00'::timestamptz, '2024-03-10 12:00'::timestamp::timestamptz;
SELECT '2024-03-09 12:00'::timestamptz + interval '1 day', '2024-03-09 12:00'::timestamptz + interval '24 hours';
SELECT extract(hour from '2024-03-10 12:00:00+00'::timestamptz), date_trunc('day', '2024-03-10 12:00:00+00'::timestamptz), '2024-03-10 12:00:00+00'::timestamptz::date;
SET TIME ZONE 'UTC';
SELECT '2024-03-10 12:00:00-05'::timestamptz;
SET TimeZone = '+03';
SELECT '2024-03-10 12:00:00+00'::timestamptz;
RESET TimeZone;
SHOW TimeZone;

CREATE TABLE events (id int PRIMARY KEY, d date, t time, ts timestamp, tz timestamptz, iv interval);
INSERT INTO events VALUES
  (1, '2024-01-15', '08:00', '2024-01-15 08:00', '2024-01-15 08:00+00', '1 hour'),
  (2, '2023-12-31', '23:59:59.999', '2023-12-31 23:59:59.999', '2024-01-01 01:00+02', '2 days 3 hours'),
  (3, '2024-02-29', '12:00', '2024-02-29 12:00', '2024-02-29 12:00-08', '-30 minutes'),
  (4, NULL, NULL, NULL, NULL, NULL);
-- extended
SELECT * FROM events ORDER BY id;
SELECT id, d + iv, ts + iv, tz + iv, t + iv FROM events ORDER BY id;
SELECT id FROM events WHERE ts > '2024-01-01' ORDER BY ts DESC;
SELECT id FROM events WHERE tz BETWEEN '2024-01-01' AND '2024-01-31' ORDER BY id;
SELECT min(d), max(ts), max(tz), sum(iv), avg(iv) FROM events;
SELECT date_trunc('month', d) AS m, count(*) FROM events WHERE d IS NOT NULL GROUP BY m ORDER BY m;
SELECT id, extract(year from d), to_char(ts, 'YYYY/MM/DD HH24:MI') FROM events ORDER BY d NULLS FIRST;
