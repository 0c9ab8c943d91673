-- test/majors: the source rows every stored state is computed from (fixed
-- seed; created once, in the oldest major, and carried along)
SELECT setseed(0.42);
CREATE TABLE public.opps AS
SELECT g AS id, g % 40 AS owner, date '2025-01-01' + (g % 90) AS day,
       random() < 0.35 AS won, round((random() * 9000)::numeric, 2) AS amount,
       (random() * 8)::int AS calls,
       make_interval(secs => exp(random() * 12)) AS response,
       (random() * 1e4 - 100)::float8 AS secs
FROM generate_series(1, 20000) g;
CREATE TABLE public.snapshots AS
SELECT a AS account, a % 40 AS owner, m AS month,
       round((1000 * (1 + a % 7) * (1 + 0.05 * m * (random() - 0.3)))::numeric, 2) AS value
FROM generate_series(1, 3000) a, generate_series(0, 11) m;
