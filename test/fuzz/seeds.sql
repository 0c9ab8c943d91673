-- test/fuzz/seeds.sql: the fuzzers' seed corpus, built by the extension
-- itself so every seed is a value it really produces (test/fuzz/make-seeds.sh
-- writes each row to test/fuzz/corpus/<type>.<text|binary>/<name>).
-- Valid values of each type, edge cases, and inputs over 8 kB.
CREATE TEMP TABLE seed (type text, name text, value text);

-- kpi_ratio: both kinds, empty, extremes, long exact numerics
INSERT INTO seed VALUES
	('kpi_ratio', 'count-empty', '0/0'),
	('kpi_ratio', 'count', '27/100'),
	('kpi_ratio', 'count-above-one', '5/3'),
	('kpi_ratio', 'count-max', '9223372036854775807/9223372036854775807'),
	('kpi_ratio', 'value', 'value:1500.5/4200'),
	('kpi_ratio', 'value-empty', 'value:0/0'),
	('kpi_ratio', 'value-long-integer-18k',
	 'value:' || repeat('7', 9000) || '/' || repeat('9', 9001)),
	('kpi_ratio', 'value-long-fraction-16k',
	 'value:0.' || repeat('1', 16383) || '/1');
INSERT INTO seed
SELECT 'kpi_ratio', 'close-rate-agg-value', close_rate_agg(g % 3 = 0, g * 1.25)::text
  FROM generate_series(1, 100) g;
INSERT INTO seed
SELECT 'kpi_ratio', 'lead-efficiency-agg', lead_qualification_efficiency_agg(g % 4 = 0, g % 5)::text
  FROM generate_series(1, 1000) g;

-- duration_sketch: exact and bucketed, negatives and zeros, both accuracies
INSERT INTO seed VALUES ('duration_sketch', 'empty', 'v1 n=0');
INSERT INTO seed
SELECT 'duration_sketch', 'exact-intervals', response_time_agg(x * interval '1 second')::text
  FROM unnest(ARRAY[-120, 90, 180, 2520, 75600]) x;
INSERT INTO seed
SELECT 'duration_sketch', 'exact-seconds', response_time_agg(x)::text
  FROM unnest(ARRAY[0.000001, 0.5, 0, 3600.25]) x;
INSERT INTO seed
SELECT 'duration_sketch', 'bucketed-5pct', response_time_agg((g * 7919 % 100000) * interval '1 ms', 0.05)::text
  FROM generate_series(1, 5000) g;
INSERT INTO seed
SELECT 'duration_sketch', 'bucketed-signed-zeros',
	   response_time_agg(CASE g % 3 WHEN 0 THEN 0 WHEN 1 THEN exp(g / 400.0) ELSE -exp(g / 500.0) END)::text
  FROM generate_series(1, 6000) g;
INSERT INTO seed
SELECT 'duration_sketch', 'bucketed-wide-over-8k',
	   response_time_agg(power(10, g / 2500.0 - 6), 0.001)::text
  FROM generate_series(1, 40000) g;

-- upsell_summary: series, keys of several types and awkward text, infinities
INSERT INTO seed
SELECT 'upsell_summary', 'series', upsell_rate_agg(v, t)::text
  FROM (VALUES (100.0, timestamptz '2024-01-01'), (250.5, '2024-06-30 12:00+00'),
			   (90, '2025-01-01')) s(v, t);
INSERT INTO seed
SELECT 'upsell_summary', 'series-single', upsell_rate_agg(42, '2024-01-01 00:00:00.123456+00')::text;
INSERT INTO seed
SELECT 'upsell_summary', 'keyed-bigint', upsell_rate_agg(g % 7, g * 10.5, timestamptz '2024-01-01' + g * interval '1 day')::text
  FROM generate_series(1, 50) g;
INSERT INTO seed
SELECT 'upsell_summary', 'keyed-int', upsell_rate_agg((g % 5)::integer, g, timestamptz '2024-01-01' + g * interval '1 hour')::text
  FROM generate_series(1, 20) g;
INSERT INTO seed
SELECT 'upsell_summary', 'keyed-smallint', upsell_rate_agg((g % 3)::smallint, g, timestamptz '2020-02-29' + g * interval '1 week')::text
  FROM generate_series(1, 9) g;
INSERT INTO seed
SELECT 'upsell_summary', 'keyed-text-awkward', upsell_rate_agg(k, v, t)::text
  FROM (VALUES ('acme "north"', 10.0, timestamptz '2024-01-01'),
			   ('back\slash', 5, '2024-02-01'), ('', 1, '2024-03-01'),
			   ('ünïcødé ☃', 7.25, '2024-04-01'), ('acme "north"', 30, '2025-01-01'),
			   ('semi; colon', 2, '-infinity'), ('semi; colon', 4, 'infinity')) s(k, v, t);
INSERT INTO seed
SELECT 'upsell_summary', 'keyed-uuid', upsell_rate_agg(md5(g::text)::uuid, g * 100, timestamptz '2023-05-01' + g * interval '3 days')::text
  FROM generate_series(1, 12) g;
INSERT INTO seed
SELECT 'upsell_summary', 'keyed-numeric', upsell_rate_agg(k, v, t)::text
  FROM (VALUES (1.0, 10, timestamptz '2024-01-01'), (2.50, 20, '2024-01-02'),
			   (1.0, 15, '2024-02-01')) s(k, v, t);
INSERT INTO seed
SELECT 'upsell_summary', 'keyed-date', upsell_rate_agg(date '2024-01-01' + g % 4, g, timestamptz '2024-01-01' + g * interval '1 day')::text
  FROM generate_series(1, 16) g;
INSERT INTO seed
SELECT 'upsell_summary', 'keyed-text-over-8k',
	   upsell_rate_agg('customer-' || (g % 400), (g % 97) * 12.5, timestamptz '2022-01-01' + g * interval '6 hours')::text
  FROM generate_series(1, 2000) g;

INSERT INTO seed
SELECT 'funnel_summary', 'keyed-bigint',
	   funnel_agg(d, s, t, ARRAY['Prospecting','Qualification','Proposal','Negotiation','Closed Won'])::text
  FROM (VALUES (1, 'Prospecting', timestamptz '2024-01-01'), (1, 'Qualification', '2024-01-03'),
			   (1, 'Closed Won', '2024-01-09'), (2, 'Prospecting', '2024-01-02'), (2, 'Closed Lost', '2024-01-02'),
			   (3, 'Negotiation', '2024-01-04 10:30'), (3, 'Qualification', '2024-01-05')) v(d, s, t);
INSERT INTO seed
SELECT 'funnel_summary', 'keyed-text-awkward',
	   funnel_agg(d, s, t, ARRAY['New lead', 'Won "big"', 'x\y', '', 'a;b'])::text
  FROM (VALUES ('deal one', 'New lead', timestamptz '2024-01-01 10:00:00.25'), ('', '', '2024-01-02'),
			   ('k;2', 'Won "big"', '0044-03-15 BC'), ('k;2', 'a;b', '2024-01-04'), ('"q"', 'Lost', '2024-01-04')) v(d, s, t);
INSERT INTO seed
SELECT 'funnel_summary', 'keyed-uuid',
	   funnel_agg(md5(g::text)::uuid, (ARRAY['A','B','C','D'])[1 + g % 5], timestamptz '2024-01-01' + g * interval '7 hours', ARRAY['A','B','C'])::text
  FROM generate_series(1, 40) g;
INSERT INTO seed
SELECT 'funnel_summary', 'keyed-int-64-stages',
	   funnel_agg(g % 7, 's' || (g % 70), timestamptz '2024-01-01' + g * interval '1 minute', (SELECT array_agg('s' || i) FROM generate_series(1, 64) i))::text
  FROM generate_series(1, 200) g;
INSERT INTO seed
SELECT 'funnel_summary', 'keyed-bigint-over-8k',
	   funnel_agg(g % 600, (ARRAY['Lead','Qualified','Proposal','Won','Lost'])[1 + (g * 7) % 5],
				  timestamptz '2024-01-01' + (g % 1000) * interval '90 minutes', ARRAY['Lead','Qualified','Proposal','Won'])::text
  FROM generate_series(1, 3000) g;

-- business_calendar: zones with DST, midnight and 30/45-minute shifts,
-- wrapping and listed days, seconds, exceptions, the extremes, over 8 kB
INSERT INTO seed VALUES
	('business_calendar', 'utc-empty', 'zone UTC'),
	('business_calendar', 'rome-split-holidays',
	 'zone Europe/Rome; mon-fri 09:00-13:00,14:00-18:00; sat 09:00-12:00; 2025-12-24 09:00-13:00; 2025-12-25 closed'),
	('business_calendar', 'santiago-wrap', 'zone America/Santiago; fri-mon 00:00-06:00,20:00-24:00; wed 12:00-13:00; 2025-09-07 00:30-01:30'),
	('business_calendar', 'lord-howe-seconds', 'zone Australia/Lord_Howe; mon,wed,fri 01:59:59-02:30:01; tue 00:00-24:00'),
	('business_calendar', 'chatham-extremes', 'zone Pacific/Chatham; sun 23:59-24:00; 0001-01-01 00:00-00:01; 9999-12-31 closed'),
	('business_calendar', 'new-york-lower-case', 'ZONE america/new_york; MON-FRI 8:30-17:00');
INSERT INTO seed
SELECT 'business_calendar', 'many-ranges-over-8k',
	   ('zone Asia/Kolkata; mon ' || string_agg(to_char(time '00:00' + g * interval '2 minutes', 'HH24:MI') || '-'
			|| to_char(time '00:00' + g * interval '2 minutes' + interval '1 minute', 'HH24:MI'), ',' ORDER BY g))::business_calendar::text
  FROM generate_series(0, 700) g;
INSERT INTO seed
SELECT 'business_calendar', 'holidays-over-8k',
	   ('zone Europe/Berlin; mon-fri 09:00-17:00; ' || string_agg(to_char(d, 'YYYY-MM-DD') || ' closed', '; ' ORDER BY d))::business_calendar::text
  FROM generate_series(date '2000-01-01', '2040-12-31', '10 days') d;

-- a value's binary form (the type's send function), as hex
CREATE FUNCTION pg_temp.send_hex(type text, value text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	hex text;
BEGIN
	EXECUTE format('SELECT encode(%I(%L::%I), ''hex'')', type || '_send', value, type)
	   INTO hex;
	RETURN hex;
END $$;

-- one row per target and seed: the text form, and the binary form, as hex
SELECT type || '.text', name, encode(convert_to(value, 'UTF8'), 'hex') FROM seed
UNION ALL
SELECT type || '.binary', name, pg_temp.send_hex(type, value) FROM seed
ORDER BY 1, 2;
