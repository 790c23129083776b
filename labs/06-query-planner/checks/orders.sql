-- Hidden fixture for lab 06 (query-planner), run before the learner's indexes.sql.
-- Builds shop.orders: 24,000 orders of an online shop from the first half of 2025, then ANALYZE.
-- Deterministic: every random() call follows setseed, in one session, in a fixed order.
-- Autovacuum is off for the table, so nothing re-analyzes it behind the checks' back after
-- growth.sql has added rows: the statistics stay those of this ANALYZE.

drop schema if exists shop cascade;
create schema shop;

create table shop.orders (
    order_id    bigint primary key,
    customer_id integer,          -- null for guest checkouts (about 15 %)
    status      text not null,    -- delivered, shipped, processing, cancelled, returned
    channel     text not null,    -- web, app, phone, marketplace
    coupon_code text,             -- null when no coupon was used (about 78 %)
    postcode    text not null,    -- the delivery postcode: 2,711 postcodes, eight or nine orders each
    amount      numeric(10,2) not null,
    created_at  timestamptz not null,
    shipped_at  timestamptz       -- null while processing, and for cancelled orders
) with (autovacuum_enabled = false);

select setseed(0.06);

-- Customer 1 is a reseller with one order in ten, customers 2 to 5 are smaller business accounts,
-- and customers 6 to 4000 order a handful of times each. Orders come in faster and faster over
-- the half year (the shop grows), so later histogram buckets of the dates are narrower. The
-- postcodes come from order_id, not random(): spread evenly, 8 or 9 orders each, in no physical order.
insert into shop.orders (order_id, customer_id, status, channel, coupon_code, postcode, amount, created_at, shipped_at)
select i,
       case when c < 0.15 then null
            when c < 0.25 then 1
            when c < 0.31 then 2
            when c < 0.35 then 3
            when c < 0.38 then 4
            when c < 0.40 then 5
            else 6 + floor(c2 * 3995)::int end,
       st,
       case when ch < 0.50 then 'web' when ch < 0.85 then 'app' when ch < 0.95 then 'phone' else 'marketplace' end,
       case when cp < 0.78 then null else 'PROMO' || (1 + floor(((cp - 0.78) / 0.22) ^ 2 * 12))::int end,
       (10000 + (i * 7919) % 2711 * 31)::text,
       round((4.99 + exp(am * 6.5))::numeric, 2),
       created,
       case when st in ('processing', 'cancelled') then null
            else created + make_interval(secs => 86400 * (0.5 + sh * 4)) end
from (
    select i, random() as c, random() as c2, random() as s, random() as ch, random() as cp, random() as am, random() as sh,
           timestamptz '2025-01-01 00:00:00+00' + make_interval(secs => 181 * 86400 * sqrt((i - 0.5) / 24000.0)) as created
    from generate_series(1, 24000) as i
) as g
cross join lateral (
    select case when s < 0.62 then 'delivered' when s < 0.77 then 'shipped' when s < 0.87 then 'processing'
                when s < 0.95 then 'cancelled' else 'returned' end as st
) as x;

-- 24,000 rows fit in ANALYZE's sample of 30,000 (300 x default_statistics_target), so it reads
-- every row and the statistics are the same on every run. The target is set here (for this
-- ANALYZE only) in case a server has another default: 100 is PostgreSQL's, which also gives at most
-- 100 most common values and 100 histogram buckets per column.
set default_statistics_target = 100;
analyze shop.orders;
reset default_statistics_target;
