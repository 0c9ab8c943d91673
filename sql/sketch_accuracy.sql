-- duration_sketch accuracy: every percentile within the relative accuracy
-- of percentile_cont on generated data (fixed seeds), exact in exact mode.
\set VERBOSITY sqlstate
\set ECHO all

-- The bucket mapping itself: every duration's representative lies within
-- alpha of it, over the whole range 1 us .. 2^62 us, at random points and
-- around every power of two (where the log-like mapping is steepest).
SELECT setseed(0.1);
SELECT a, count(*) AS points,
       bool_and(abs(duration_sketch_bucket_value(x, a) - x) <= a * abs(x)) AS within_alpha
FROM (VALUES (0.0001::float8), (0.001), (0.01), (0.05)) v(a),
     LATERAL (SELECT round(exp(random() * ln(4.6e18))::numeric / 1e6, 6)::float8 AS x FROM generate_series(1, 50000)
              UNION ALL
              SELECT (power(2::numeric, e) + d)::float8 / 1e6 FROM generate_series(0, 61) e, generate_series(-2, 2) d
              WHERE power(2::numeric, e) + d >= 1) s
GROUP BY a ORDER BY a;
-- ... and right at bucket boundaries: one microsecond either side of every
-- bucket bound of sketches spanning 1 us .. 30 years
SELECT a, count(*) AS points,
       bool_and(abs(duration_sketch_bucket_value(x, a) - x) <= a * abs(x)) AS within_alpha_at_bounds
FROM (VALUES (0.0001::float8), (0.001), (0.01), (0.05)) v(a),
     LATERAL (SELECT response_time_agg(power(10, e / 200.0)::float8 / 1e6, a) AS s FROM generate_series(0, 3000) e) sk,
     LATERAL (SELECT DISTINCT extract(epoch FROM h.upper)::float8 + d * 1e-6 AS x
              FROM histogram(sk.s) h, generate_series(-1, 1) d) b
WHERE x > 0
GROUP BY a ORDER BY a;
-- negative durations map symmetrically
SELECT bool_and(duration_sketch_bucket_value(-x) = -duration_sketch_bucket_value(x)) AS symmetric
FROM generate_series(1, 1000) g, LATERAL (SELECT g * 1.37::float8 AS x) s;

-- Generated response times in seconds, rounded to the microsecond (the
-- sketch's resolution).  Normal variates by Box-Muller.
SELECT setseed(0.42);
CREATE TEMP TABLE d AS
SELECT 'loguniform' AS dist, round((exp(random() * ln(1e9)) * 1e-4)::numeric, 6)::float8 AS x FROM generate_series(1, 50000)
UNION ALL SELECT 'lognormal', round(exp(4 + 1.5 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()))::numeric, 6)::float8 FROM generate_series(1, 50000)
UNION ALL SELECT 'pareto', round((10 / power(greatest(1 - random(), 1e-9), 1 / 1.2))::numeric, 6)::float8 FROM generate_series(1, 50000)
UNION ALL SELECT 'bimodal', round((CASE WHEN random() < 0.5
              THEN exp(ln(120) + 0.5 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()))
              ELSE exp(ln(172800) + 0.3 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())) END)::numeric, 6)::float8
          FROM generate_series(1, 50000)
UNION ALL SELECT 'constant', 42.5 FROM generate_series(1, 1000)
UNION ALL SELECT 'zeros', 0 FROM generate_series(1, 1000)
UNION ALL SELECT 'negatives', round((CASE WHEN r < 0.3 THEN -exp(random() * 12) WHEN r < 0.35 THEN 0
              ELSE exp(random() * 12) END)::numeric, 6)::float8
          FROM (SELECT random() AS r FROM generate_series(1, 50000)) s
UNION ALL SELECT 'all_negative', round((-exp(random() * 15) / 100)::numeric, 6)::float8 FROM generate_series(1, 20000)
UNION ALL SELECT 'microseconds', (1 + floor(random() * 200)) / 1e6 FROM generate_series(1, 20000)
UNION ALL SELECT 'huge', round((exp(random() * ln(172800)))::numeric, 6)::float8 FROM generate_series(1, 300000)
UNION ALL SELECT 'tiny' || lpad(n::text, 2, '0'), round((exp(random() * 10) - 20)::numeric, 6)::float8
          FROM (VALUES (1), (2), (3), (63), (64), (65)) t(n), generate_series(1, n);
CREATE TEMP TABLE ps AS SELECT '{0,0.01,0.1,0.25,0.5,0.75,0.9,0.95,0.99,0.999,1}'::float8[] AS p;

-- order statistics, to know the two neighbours each percentile interpolates
CREATE TEMP TABLE ranked AS
SELECT dist, x, row_number() OVER (PARTITION BY dist ORDER BY x) - 1 AS rn FROM d;
CREATE INDEX ON ranked (dist, rn);

-- one-step percentiles on seconds and on intervals, and percentile_cont
CREATE TEMP TABLE est AS
SELECT dist, count(*) AS n,
       response_time_percentile(x, (SELECT p FROM ps)) AS est,
       response_time_percentile(make_interval(secs => x), (SELECT p FROM ps)) AS est_iv,
       percentile_cont((SELECT p FROM ps)) WITHIN GROUP (ORDER BY x) AS exact,
       percentile_cont((SELECT p FROM ps)) WITHIN GROUP (ORDER BY make_interval(secs => x)) AS exact_iv
FROM d GROUP BY dist;
CREATE TEMP TABLE checks AS
SELECT e.dist, e.n, u.p, u.est, extract(epoch FROM u.est_iv)::float8 AS est_iv, u.exact,
       extract(epoch FROM u.exact_iv)::float8 AS exact_iv,
       lo.x AS x_lo, hi.x AS x_hi, u.p * (e.n - 1) - floor(u.p * (e.n - 1)) AS f
FROM est e, unnest((SELECT p FROM ps), e.est, e.est_iv, e.exact, e.exact_iv) u(p, est, est_iv, exact, exact_iv),
     ranked lo, ranked hi
WHERE lo.dist = e.dist AND lo.rn = floor(u.p * (e.n - 1)) AND hi.dist = e.dist AND hi.rn = ceil(u.p * (e.n - 1));

-- The bound: alpha |exact| when both neighbours have the same sign (or one
-- is zero); across zero, alpha ((1 - f) |lower| + f |upper|).  Interval
-- answers are rounded to the microsecond: half a microsecond more.
-- At most 64 values: equal to percentile_cont (intervals: to the microsecond).
SELECT dist, n, count(*) AS checks,
       bool_and(CASE WHEN n <= 64 THEN est = exact
                     WHEN sign(x_lo) * sign(x_hi) >= 0 THEN abs(est - exact) <= 0.01 * abs(exact)
                     ELSE abs(est - exact) <= 0.01 * ((1 - f) * abs(x_lo) + f * abs(x_hi)) END) AS seconds_ok,
       bool_and(CASE WHEN n <= 64 THEN abs(est_iv - exact_iv) <= 1e-6
                     WHEN sign(x_lo) * sign(x_hi) >= 0 THEN abs(est_iv - exact_iv) <= 0.01 * abs(exact_iv) + 0.5e-6
                     ELSE abs(est_iv - exact_iv) <= 0.01 * ((1 - f) * abs(x_lo) + f * abs(x_hi)) + 0.5e-6 END) AS interval_ok,
       bool_and(est BETWEEN x_lo - 0.01 * abs(x_lo) AND x_hi + 0.01 * abs(x_hi)) AS between_neighbours,
       bool_and(CASE WHEN p = 0 THEN est = exact AND est_iv = exact_iv
                     WHEN p = 1 THEN est = exact AND est_iv = exact_iv ELSE true END) AS exact_min_max
FROM checks GROUP BY dist, n ORDER BY dist;
-- exact mode really is exact on intervals built from microseconds
SELECT bool_and(est_iv = exact_iv) AS tiny_intervals_equal FROM checks WHERE n <= 64;
-- the whole estimate set never leaves [min, max]
SELECT bool_and(c.est BETWEEN m.mn AND m.mx AND c.est_iv BETWEEN m.mn AND m.mx) AS inside_min_max
FROM checks c JOIN (SELECT dist, min(x) AS mn, max(x) AS mx FROM d GROUP BY dist) m USING (dist);

-- Other relative accuracies, through response_time_agg and the accessor
CREATE TEMP TABLE alphas AS
SELECT dist, a, response_time_agg(x, a) AS s, percentile_cont((SELECT p FROM ps)) WITHIN GROUP (ORDER BY x) AS exact
FROM d, (VALUES (0.0001::float8), (0.001), (0.05)) v(a)
WHERE dist IN ('loguniform', 'pareto', 'bimodal', 'all_negative', 'huge')
GROUP BY dist, a;
SELECT dist, a, bool_and(relative_accuracy(s) = a) AS kept,
       bool_and(abs(extract(epoch FROM u.est)::float8 - u.exact) <= a * abs(u.exact) + 0.5e-6) AS within
FROM alphas, unnest(response_time_percentile(s, (SELECT p FROM ps)), exact) u(est, exact)
GROUP BY dist, a ORDER BY dist, a;

-- Exact totals whatever the mode: count, min, max, sum and the mean
SELECT dist, response_time_count(s) = count AS count_exact, response_time_min(s) = make_interval(secs => mn) AS min_exact,
       response_time_max(s) = make_interval(secs => mx) AS max_exact,
       response_time_total_seconds(s) = total AS sum_exact,
       response_time_mean(s) = make_interval(secs => round(total / count, 6)) AS mean_exact
FROM (SELECT dist, response_time_agg(x) AS s, count(*) AS count, min(x) AS mn, max(x) AS mx, sum(x::numeric) AS total
      FROM d GROUP BY dist) t ORDER BY dist;

-- share_within: exact for exact sketches and at 0; otherwise between the
-- exact shares at t and at t + |t| 2 alpha / (1 - alpha)
CREATE TEMP TABLE sketches AS SELECT dist, response_time_agg(x) AS s FROM d GROUP BY dist;
CREATE TEMP TABLE shares AS
SELECT dist, t, count(*) FILTER (WHERE x <= t)::float8 / count(*) AS at_t,
       count(*) FILTER (WHERE x <= t + abs(t) * 0.02 / 0.99)::float8 / count(*) AS at_t_plus
FROM d, unnest('{-1000,-5.5,-0.001,0,0.5,1,59.9,60,300,3600,86400,1e6}'::float8[]) t
WHERE dist <> 'huge'
GROUP BY dist, t;
SELECT s.dist, count(*) AS thresholds,
       bool_and(share_within(s.s, make_interval(secs => t)) BETWEEN at_t AND at_t_plus) AS bound_holds,
       bool_and(NOT is_exact(s.s) OR share_within(s.s, make_interval(secs => t)) = at_t) AS exact_when_exact,
       bool_and(t <> 0 OR share_within(s.s, make_interval(secs => t)) = at_t) AS exact_at_zero
FROM sketches s JOIN shares USING (dist)
GROUP BY s.dist ORDER BY s.dist;

-- histogram over chart bins adds up to the count, and matches share_within
SELECT bool_and((SELECT sum(count) FROM histogram(s, '{-60 s, 0 s, 5 min, 30 min, 1 hour, 1 day}')) = response_time_count(s)) AS bins_add_up,
       bool_and((SELECT sum(count) FILTER (WHERE upper <= interval '5 min') FROM histogram(s, '{-60 s, 0 s, 5 min, 30 min, 1 hour, 1 day}'))
                = round(share_within(s, '5 min') * response_time_count(s))) AS agrees_with_share_within
FROM sketches;
